import type { Handler } from 'hono';

/** One named readiness check: ok, or not with a message saying why and what to do. */
export type ReadinessCheck = { name: string; check(): { ok: boolean; message?: string } };

/**
 * `GET /readyz`: 200 when every check passes, else 503 listing each check with its message.
 * `/healthz` stays a liveness probe: a restart does not mend what readiness reports.
 */
export function readinessHandler(checks: readonly ReadinessCheck[]): Handler {
  return (c) => {
    const results = checks.map(({ name, check }) => ({ name, ...check() }));
    const ready = results.every((r) => r.ok);
    return c.json({ status: ready ? 'ready' : 'not ready', checks: results }, ready ? 200 : 503);
  };
}
