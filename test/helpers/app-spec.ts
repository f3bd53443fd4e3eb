import type { AppSpec } from '../../src/domain/app.js';

type SyncPolicy = AppSpec['syncPolicy'];

/** An app as the config would build it with its defaults (automated, no prune), for unit tests. */
export function testAppSpec(
  name: string,
  overrides: Partial<Omit<AppSpec, 'syncPolicy'>> & { syncPolicy?: Partial<SyncPolicy> } = {},
): AppSpec {
  const { syncPolicy, ...rest } = overrides;
  return {
    name,
    source: { repoURL: 'https://git.example.com/platform/jobs.git', revision: 'main', path: name },
    destination: { cluster: 'default', namespace: 'default' },
    syncPolicy: {
      automated: true,
      prune: false,
      selfHeal: false,
      allowEmpty: false,
      adopt: false,
      purge: false,
      maxPrune: { percent: 50 },
      allowMassPrune: false,
      retry: { limit: 5, backoffMs: 5000, factor: 2, maxBackoffMs: 180_000 },
      ...syncPolicy,
    },
    ignoreDifferences: [],
    historyLimit: 100,
    ...rest,
  };
}
