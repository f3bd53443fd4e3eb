import type { Condition } from '../domain/app.js';
import {
  activeUntil,
  evaluateWindows,
  nextBoundary,
  nextStart,
  windowsFor,
  type SyncWindow,
  type WindowVerdict,
} from '../domain/sync-window.js';

type Memo = { from: number; to: number; verdict: WindowVerdict };
/** Verdicts per configured window list, then per set of matching windows: apps named by the same globs share one. */
const memos = new WeakMap<readonly SyncWindow[], Map<string, Memo>>();

/**
 * What the sync windows say about one app now. A verdict holds until the next window boundary,
 * so it is computed once per set of matching windows and boundary, not once per app and reconcile.
 */
export function windowVerdict(windows: readonly SyncWindow[], app: string, now: number): WindowVerdict {
  const matching = windowsFor(windows, app);
  if (matching.length === 0) return { allowed: true, manualAllowed: true };
  let byWindows = memos.get(windows);
  if (!byWindows) memos.set(windows, (byWindows = new Map()));
  const key = matching.map((w) => windows.indexOf(w)).join(',');
  const memo = byWindows.get(key);
  if (memo && memo.from <= now && now < memo.to) return memo.verdict;
  const verdict = evaluateWindows(matching, now);
  byWindows.set(key, { from: now, to: nextBoundary(matching, now), verdict });
  return verdict;
}

/** The `SyncWindow` condition of an app whose automated syncs wait: why, and until when (ISO time). */
export function windowCondition(verdict: WindowVerdict): Condition {
  const until = verdict.until === undefined ? 'until a window opens' : `until ${new Date(verdict.until).toISOString()}`;
  const manual = verdict.manualAllowed ? '; manual syncs are allowed' : '; manual syncs are refused';
  return { type: 'SyncWindow', message: `automated syncs wait ${until}: ${verdict.reason ?? 'held'}${manual}` };
}

/** One window as `GET /api/v1/sync-windows` shows it. */
export type WindowView = {
  kind: SyncWindow['kind'];
  schedule: string;
  duration: string;
  timeZone: string;
  apps: string[];
  manualSync: boolean;
  active: boolean;
  /** While active: when this occurrence ends. */
  activeUntil?: string;
  /** When it next starts. */
  nextStart: string;
  /** Configured apps it names. */
  matchedApps: string[];
};

/** Every configured window, whether it is active now and the apps it names. */
export function windowViews(windows: readonly SyncWindow[], apps: readonly string[], now: number): WindowView[] {
  return windows.map((w) => {
    const end = activeUntil(w, now);
    return {
      kind: w.kind,
      schedule: w.schedule,
      duration: w.duration,
      timeZone: w.timeZone,
      apps: w.apps,
      manualSync: w.manualSync,
      active: end !== undefined,
      ...(end !== undefined ? { activeUntil: new Date(end).toISOString() } : {}),
      nextStart: new Date(nextStart(w, now)).toISOString(),
      matchedApps: apps.filter((app) => windowsFor([w], app).length > 0),
    };
  });
}
