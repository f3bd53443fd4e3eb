/** The git hosts whose push webhooks Drover understands. */
export type Provider = 'github' | 'gitlab' | 'gitea' | 'bitbucket-server';

/** How a request proves it knows the secret: an HMAC of the body, or the secret itself (GitLab). */
export type Proof = { kind: 'hmac-sha256'; hex: string } | { kind: 'token'; token: string };

export type Delivery = { provider: Provider; event: string; proof: Proof | undefined };

/** A push, as every provider describes it. */
export type PushEvent = {
  /** Full ref names that moved, e.g. `refs/heads/main`, `refs/tags/v1`. */
  refs: string[];
  /** Every URL the payload gives for the repository (clone, SSH, web). */
  repoURLs: string[];
  defaultBranch?: string;
};

type Headers = { get(name: string): string | null | undefined };

/**
 * Recognises the provider from its event header and picks its proof header. Gitea and
 * Forgejo also send GitHub's headers, so they are checked first.
 */
export function identify(headers: Headers): Delivery | undefined {
  const gitea = headers.get('x-gitea-event') ?? headers.get('x-forgejo-event');
  if (gitea) {
    const hex = headers.get('x-forgejo-signature') ?? headers.get('x-gitea-signature');
    return { provider: 'gitea', event: gitea, proof: hex ? { kind: 'hmac-sha256', hex } : undefined };
  }
  const gitlab = headers.get('x-gitlab-event');
  if (gitlab) {
    const token = headers.get('x-gitlab-token');
    return { provider: 'gitlab', event: gitlab, proof: token ? { kind: 'token', token } : undefined };
  }
  const bitbucket = headers.get('x-event-key');
  if (bitbucket)
    return { provider: 'bitbucket-server', event: bitbucket, proof: hmacHeader(headers.get('x-hub-signature')) };
  const github = headers.get('x-github-event');
  if (github) return { provider: 'github', event: github, proof: hmacHeader(headers.get('x-hub-signature-256')) };
  return undefined;
}

function hmacHeader(value: string | null | undefined): Proof | undefined {
  const match = /^sha256=([0-9a-f]+)$/i.exec(value ?? '');
  return match ? { kind: 'hmac-sha256', hex: match[1]! } : undefined;
}

/** Whether the delivery is a push (branch or tag) rather than a ping or another event. */
export function isPush(delivery: Delivery): boolean {
  switch (delivery.provider) {
    case 'github':
    case 'gitea':
      return delivery.event === 'push';
    case 'gitlab':
      return delivery.event === 'Push Hook' || delivery.event === 'Tag Push Hook';
    case 'bitbucket-server':
      return delivery.event === 'repo:refs_changed';
  }
}

type JSONObject = Record<string, unknown>;

/** Reads the refs and repository URLs from a payload; missing fields simply yield nothing. */
export function readPush(provider: Provider, payload: JSONObject): PushEvent {
  const repo = obj(payload.repository);
  switch (provider) {
    case 'github':
    case 'gitea':
      return {
        refs: strings(payload.ref),
        repoURLs: strings(repo.clone_url, repo.ssh_url, repo.git_url, repo.html_url),
        defaultBranch: str(repo.default_branch),
      };
    case 'gitlab': {
      const project = obj(payload.project);
      return {
        refs: strings(payload.ref),
        repoURLs: strings(
          project.git_http_url,
          project.git_ssh_url,
          project.web_url,
          repo.git_http_url,
          repo.git_ssh_url,
          repo.homepage,
        ),
        defaultBranch: str(project.default_branch),
      };
    }
    case 'bitbucket-server': {
      const links = obj(repo.links);
      const hrefs = [...arr(links.clone), ...arr(links.self)].map((link) => obj(link).href);
      return {
        refs: strings(...arr(payload.changes).map((change) => obj(obj(change).ref).id ?? obj(change).refId)),
        repoURLs: strings(...hrefs),
      };
    }
  }
}

function obj(value: unknown): JSONObject {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JSONObject) : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function strings(...values: unknown[]): string[] {
  return values.map(str).filter((v): v is string => v !== undefined);
}
