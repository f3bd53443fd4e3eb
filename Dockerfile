# syntax=docker/dockerfile:1
# Drover's image: build dependencies in one stage, run as a non-root user with git and ssh in the other.
#   docker build -t drover:0.1.0 .

FROM node:20-slim AS build
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; the toolchain is the fallback when none matches.
RUN apt-get update -qq \
  && apt-get install -y -qq --no-install-recommends python3 make g++ ca-certificates \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY sim ./sim
COPY tsconfig.json ./

FROM node:20-slim
# git for mirrors and snapshots, ssh for git over SSH, tini to reap git's children and pass signals.
RUN apt-get update -qq \
  && apt-get install -y -qq --no-install-recommends git openssh-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 drover \
  && useradd --system --uid 10001 --gid drover --home-dir /var/lib/drover --create-home drover
WORKDIR /app
COPY --from=build --chown=root:root /app ./
ENV NODE_ENV=production \
    GIT_TERMINAL_PROMPT=0
USER drover:drover
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/drover.js"]
CMD ["server", "--config", "/etc/drover/drover.hcl"]
