import type { Hono } from 'hono';
import type { AppSetConfig } from '../config/config.js';
import type { AppSetState } from '../reconcile/app-sets.js';
import { requireRole, type AuthEnv } from './auth/principal.js';
import { publicURL } from './sources.js';

export type AppSetsDeps = {
  sets: readonly AppSetConfig[];
  /** What each set last generated, and its last failure. */
  states: () => readonly AppSetState[];
};

/** `GET /api/v1/appsets`: each app set, its generator and project, the apps it generates now, and its last failure. */
export function registerAppSets(api: Hono<AuthEnv>, deps: AppSetsDeps): void {
  api.get('/api/v1/appsets', requireRole('viewer'), (c) => {
    const states = new Map(deps.states().map((state) => [state.name, state]));
    return c.json({
      appSets: deps.sets.map((set) => {
        const state = states.get(set.name);
        return {
          name: set.name,
          generator: set.generator.kind,
          project: set.project?.name ?? 'default',
          pruneOnDelete: set.pruneOnDelete,
          apps: state?.apps ?? [],
          commits: Object.entries(state?.commits ?? {}).map(([url, revision]) => ({
            repoURL: publicURL(url),
            revision,
          })),
          ...(state?.error ? { error: state.error } : {}),
        };
      }),
    });
  });
}
