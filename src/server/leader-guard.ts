import type { MiddlewareHandler } from 'hono';
import { ERRORS } from '../domain/errors.js';

/** What the API needs to know about leadership (main.ts passes the elector). */
export interface LeadershipView {
  isLeader(): boolean;
  leader(): { id: string; url: string } | undefined;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * On a follower, a state-changing request answers 503 DROVER_ERR_NOT_LEADER naming the leader's URL
 * (and `Retry-After`). Not a 307: a redirect would make clients resend tokens and webhook secrets to
 * another host on their own, and the advertised address may be one only the cluster can reach; the
 * answer lets the CLI or a load balancer choose, and says why.
 */
export function leaderGuard(view: LeadershipView): MiddlewareHandler {
  return async (c, next) => {
    if (SAFE.has(c.req.method) || view.isLeader()) return next();
    const leader = view.leader();
    c.header('Retry-After', '5');
    if (leader) c.header('X-Drover-Leader', leader.url);
    return c.json(
      {
        error: {
          code: 'DROVER_ERR_NOT_LEADER',
          message: leader
            ? `this instance is a follower; send the request to the leader at ${leader.url}`
            : 'this instance is a follower and no leader is known yet (an election is under way); retry shortly',
          ...(leader ? { leader: leader.url } : {}),
        },
      },
      ERRORS.DROVER_ERR_NOT_LEADER.status,
    );
  };
}

/** `GET /api/v1/leader`: who leads, as this instance sees it. */
export function leaderInfo(view: LeadershipView | undefined, self: string) {
  if (!view) return { ha: false, leader: true, url: self };
  const leader = view.leader();
  return { ha: true, leader: view.isLeader(), url: self, ...(leader ? { leaderURL: leader.url } : {}) };
}
