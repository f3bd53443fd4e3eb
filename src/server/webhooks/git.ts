import type { Context } from 'hono';
import type { Logger } from 'pino';
import type { AppSpec } from '../../domain/app.js';
import { DroverError } from '../../domain/errors.js';
import { readSecret, type SecretSource } from '../../git/credentials.js';
import { normalizeRepoURL, redactURL } from '../../git/url.js';
import { readLimitedBody } from './body.js';
import { identify, isPush, readPush, type Delivery, type PushEvent } from './providers.js';
import { verifyProof } from './verify.js';

/** What the git webhook endpoint needs from the rest of Drover. */
export type GitWebhookDeps = {
  /** Bodies larger than this are refused with 413 before being read whole. */
  maxBodyBytes: number;
  /** Repositories and their webhook secrets; one without a secret never accepts webhooks. */
  repositories: ReadonlyArray<{ url: string; webhookSecret?: SecretSource }>;
  apps(): ReadonlyArray<Pick<AppSpec, 'name' | 'source'>>;
  /** Asks for a refresh of one app; must not wait for it. */
  trigger(app: string): void;
  /** Told of each verified repository a push named (app sets reading it run again); must not wait. */
  pushed?(url: string): void;
  /** Told each delivery's provider and result (for metrics). */
  onDelivery?(provider: string, result: string): void;
  logger: Logger;
};

/** The JSON answer: which repositories and refs the push named and which apps it refreshed. */
export type WebhookResult = {
  provider: string;
  event: string;
  repositories: string[];
  refs: string[];
  triggered: string[];
};

/**
 * `POST /api/v1/webhooks/git`: checks size, then the signature against the secrets of the
 * repositories the payload names, then refreshes the apps on those repositories whose
 * revision is a pushed branch or tag.
 */
export function gitWebhookHandler(deps: GitWebhookDeps): (c: Context) => Promise<Response> {
  const handle = deliver(deps);
  return async (c) => {
    const provider = identify(c.req.raw.headers)?.provider ?? 'unknown';
    try {
      const result = await handle(c);
      deps.onDelivery?.(provider, result.triggered.length > 0 ? 'triggered' : 'ignored');
      return c.json(result, 202);
    } catch (error) {
      deps.onDelivery?.(provider, error instanceof DroverError ? (DELIVERY_RESULTS[error.code] ?? 'error') : 'error');
      throw error;
    }
  };
}

/** The delivery results metrics count, by the error that ended a delivery. */
const DELIVERY_RESULTS: Partial<Record<DroverError['code'], string>> = {
  DROVER_ERR_WEBHOOK_SIGNATURE: 'unauthorized',
  DROVER_ERR_PAYLOAD_TOO_LARGE: 'too_large',
  DROVER_ERR_WEBHOOK_PAYLOAD: 'bad_payload',
};

function deliver(deps: GitWebhookDeps): (c: Context) => Promise<WebhookResult> {
  return async (c) => {
    const body = await readLimitedBody(c.req.raw, deps.maxBodyBytes);
    const delivery = identify(c.req.raw.headers);
    if (!delivery?.proof) {
      throw unauthorized(
        delivery
          ? `${delivery.provider} webhook without a signature or token header`
          : 'not a GitHub, GitLab, Gitea/Forgejo or Bitbucket Server webhook (no event header)',
      );
    }
    const payload = parsePayload(body, c.req.header('content-type'));
    const push = readPush(delivery.provider, payload);
    const named = new Set(push.repoURLs.map(normalizeRepoURL));
    const secured = deps.repositories.filter((r) => r.webhookSecret !== undefined);
    const candidates = secured.filter((r) => named.has(normalizeRepoURL(r.url)));
    const verified = (candidates.length > 0 ? candidates : secured).filter((r) => proves(deps, delivery, body, r));
    if (verified.length === 0)
      throw unauthorized('the signature matches no configured repository secret for this payload');
    const result: WebhookResult = {
      provider: delivery.provider,
      event: delivery.event,
      repositories: [...named],
      refs: push.refs,
      triggered: [],
    };
    if (candidates.length === 0 || !isPush(delivery)) return result;

    const repos = new Set(verified.map((r) => normalizeRepoURL(r.url)));
    for (const repo of verified) deps.pushed?.(repo.url);
    for (const app of deps.apps()) {
      if (repos.has(normalizeRepoURL(app.source.repoURL)) && revisionPushed(app.source.revision, push)) {
        result.triggered.push(app.name);
        deps.trigger(app.name);
      }
    }
    deps.logger.info({ provider: delivery.provider, refs: push.refs, apps: result.triggered }, 'git webhook');
    return result;
  };
}

function proves(
  deps: GitWebhookDeps,
  delivery: Delivery,
  body: Buffer,
  repo: { url: string; webhookSecret?: SecretSource },
): boolean {
  try {
    return verifyProof(delivery.proof!, body, readSecret(repo.webhookSecret!, repo.url));
  } catch (error) {
    deps.logger.error({ repo: redactURL(repo.url), err: (error as Error).message }, 'webhook secret unreadable');
    return false;
  }
}

/** Whether a push moved the ref an app follows: its branch or tag, or the default branch for HEAD. */
export function revisionPushed(revision: string, push: PushEvent): boolean {
  return push.refs.some(
    (ref) =>
      ref === revision ||
      ref === `refs/heads/${revision}` ||
      ref === `refs/tags/${revision}` ||
      (revision === 'HEAD' && (push.defaultBranch === undefined || ref === `refs/heads/${push.defaultBranch}`)),
  );
}

/** JSON, or GitHub's form encoding (`payload=<json>`). */
function parsePayload(body: Buffer, contentType: string | undefined): Record<string, unknown> {
  try {
    const text = contentType?.startsWith('application/x-www-form-urlencoded')
      ? (new URLSearchParams(body.toString('utf8')).get('payload') ?? '')
      : body.toString('utf8');
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DroverError('DROVER_ERR_WEBHOOK_PAYLOAD', 'webhook body is not a JSON object');
}

function unauthorized(message: string): DroverError {
  return new DroverError('DROVER_ERR_WEBHOOK_SIGNATURE', message);
}
