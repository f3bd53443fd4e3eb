import type { PlanSummary } from '../../domain/app.js';

/** A planned write as the diff view carries it. */
export type PlannedAction = {
  id: string;
  namespace: string;
  action: string;
  result?: string;
  message?: string;
  plan?: PlanSummary;
};

/**
 * Nomad's plan in the words `nomad job plan` uses: `forces create`, `forces destroy`,
 * `in-place`, `+N allocs`, `-N allocs`, `N canary`, failed placements and warnings.
 */
export function planNotes(action: PlannedAction | undefined): string[] {
  if (!action) return [];
  if (action.action === 'prune') return ['forces stop (pruned)'];
  const plan = action.plan;
  if (!plan) return action.action === 'create' ? ['forces create'] : [];
  if (plan.error) return [`plan failed: ${plan.error}`];
  const totals: Record<string, number> = {};
  for (const group of Object.values(plan.updates ?? {})) {
    for (const [kind, count] of Object.entries(group)) totals[kind] = (totals[kind] ?? 0) + count;
  }
  const notes: string[] = [];
  if (plan.diffType === 'Added') notes.push('forces create');
  if ((totals.DestructiveUpdate ?? 0) > 0) notes.push(`forces destroy (${totals.DestructiveUpdate} replaced)`);
  if ((totals.InPlaceUpdate ?? 0) > 0) notes.push(`in-place (${totals.InPlaceUpdate})`);
  if ((totals.Place ?? 0) > 0) notes.push(`+${totals.Place} allocs`);
  if ((totals.Stop ?? 0) > 0) notes.push(`-${totals.Stop} allocs`);
  if ((totals.Canary ?? 0) > 0) notes.push(`${totals.Canary} canary`);
  if ((totals.Migrate ?? 0) > 0) notes.push(`${totals.Migrate} migrate`);
  if (plan.diffType === 'None') notes.push('no change in Nomad');
  for (const group of plan.failedPlacements ?? []) notes.push(`placement fails: ${group}`);
  if (plan.warnings) notes.push(`warning: ${plan.warnings.trim()}`);
  return notes;
}
