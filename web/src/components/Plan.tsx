import type { DiffView, JobAction, PlanSummary } from '../types.ts';
import { ResultBadge } from './Badges.tsx';

// Nomad's plan words, said the way the Nomad CLI's `job plan` says them.
const UPDATE_WORDS: Record<string, string> = {
  Place: 'placed',
  InPlaceUpdate: 'updated in place',
  DestructiveUpdate: 'replaced (forces destroy and create)',
  Stop: 'stopped',
  Canary: 'canaried',
  Migrate: 'migrated',
  Ignore: 'unchanged',
  Preemptions: 'preempted',
};

/** What Nomad's plan says about one job: the diff type and, per task group, what happens to allocations. */
export function PlanNotes({ plan }: { plan: PlanSummary | undefined }) {
  if (!plan) return null;
  const groups = Object.entries(plan.updates ?? {});
  return (
    <div className="plan small">
      {plan.diffType && plan.diffType !== 'None' && (
        <span className={`tag plan-${plan.diffType}`}>
          {plan.diffType === 'Added' ? 'forces create' : plan.diffType === 'Deleted' ? 'forces destroy' : 'edited'}
        </span>
      )}
      {groups.map(([group, counts]) => (
        <span key={group} className="plan-group">
          group <strong>{group}</strong>:{' '}
          {Object.entries(counts)
            .filter(([, n]) => n > 0)
            .map(([kind, n]) => `${n} ${UPDATE_WORDS[kind] ?? kind}`)
            .join(', ') || 'no change'}
        </span>
      ))}
      {(plan.failedPlacements ?? []).length > 0 && (
        <span className="error">cannot place: {plan.failedPlacements!.join(', ')}</span>
      )}
      {plan.warnings && <span className="warn-text">{plan.warnings}</span>}
      {plan.error && <span className="error">plan failed: {plan.error}</span>}
    </div>
  );
}

const VERBS: Record<JobAction['action'], string> = {
  create: 'create',
  update: 'update',
  prune: 'prune (stop)',
  unchanged: 'no change',
  skipped: 'skip',
};

/** A dry run's answer: per job, what a sync would do and what Nomad's plan says. */
export function PlanList({ plan }: { plan: DiffView }) {
  const actions = plan.actions ?? [];
  if (actions.length === 0) return <p>Nothing would change.</p>;
  return (
    <ul className="plan-list">
      {actions.map((a) => (
        <li key={`${a.namespace}/${a.id}`}>
          <code>{a.id}</code> <strong className={`verb verb-${a.action}`}>{VERBS[a.action]}</strong>{' '}
          {a.result === 'failed' && <ResultBadge result="failed" />}
          {a.message && <span className="small muted"> {a.message}</span>}
          <PlanNotes plan={a.plan} />
        </li>
      ))}
    </ul>
  );
}
