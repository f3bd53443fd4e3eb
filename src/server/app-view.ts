import type { AppSpec, AppStatus } from '../domain/app.js';
import { unknownStatus } from '../domain/app.js';
import { redactURL } from '../git/url.js';

/** The API's JSON form of an app (design.md, "Config and command sketch"). */
export type AppView = {
  name: string;
  source: { repoURL: string; revision: string; path: string };
  destination: { cluster: string; namespace: string };
  syncPolicy: AppSpec['syncPolicy'];
  status: AppStatus;
};

export function toAppView(spec: AppSpec, status: AppStatus | undefined): AppView {
  return {
    name: spec.name,
    source: { ...spec.source, repoURL: redactURL(spec.source.repoURL) },
    destination: { ...spec.destination },
    syncPolicy: { ...spec.syncPolicy },
    status: status ?? unknownStatus(),
  };
}
