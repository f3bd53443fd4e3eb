import { errorPosition } from '../format.ts';
import type { Condition } from '../types.ts';

const PLAIN: Record<string, string> = {
  ComparisonError: 'Drover could not compare git with the cluster',
  SyncError: 'The last sync failed',
  OrphanedJob: 'A job in the cluster is no longer in git',
  SharedJob: 'A job is owned by another app',
  Pinned: 'Pinned: automated sync waits',
  SyncWindow: 'A sync window holds automated syncs',
  WaitingForDependency: 'Waiting for the apps this one depends on',
  WaitingForWave: 'Later job waves wait for earlier ones',
  DeploymentFailed: "A deployment of this app's jobs failed",
  UnownedJob: 'A job with this name runs without an owner',
  PruneSkipped: 'Pruning was held back',
  SourcePathMissing: "The app's path is not in git at this revision",
  ProjectViolation: 'The app is outside its project',
  StoreError: "Drover's store failed",
};

/** Conditions that say Drover is waiting on purpose, not that something is wrong. */
const WAITING = new Set([
  'Pinned',
  'OrphanedJob',
  'PruneSkipped',
  'SyncWindow',
  'WaitingForDependency',
  'WaitingForWave',
]);

/** Conditions in plain words; render errors show their file:line:col apart from the message. */
export function Conditions({ conditions }: { conditions: Condition[] }) {
  if (conditions.length === 0) return null;
  return (
    <section aria-label="Conditions" className="conditions">
      <h2>Conditions</h2>
      <ul>
        {conditions.map((c, i) => {
          const at = errorPosition(c.message);
          const warn = WAITING.has(c.type);
          return (
            <li key={i} className={warn ? 'condition warn' : 'condition error'}>
              <strong>{PLAIN[c.type] ?? c.type}</strong> <span className="muted small">({c.type})</span>
              {at && (
                <div>
                  <code className="position">
                    {at.file}:{at.line}
                    {at.col !== undefined ? `:${at.col}` : ''}
                  </code>
                </div>
              )}
              <pre className="message">{c.message}</pre>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
