import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { Minimatch } from 'minimatch';

/**
 * A sync window, as Argo CD has them: from each time `schedule` (cron) fires, for `durationMs`,
 * automated syncs of the matching apps are allowed (`allow`) or held (`deny`).
 */
export type SyncWindow = {
  kind: 'allow' | 'deny';
  /** Five-field cron (minute hour day-of-month month day-of-week) or a descriptor such as `@daily`. */
  schedule: string;
  /** The duration as written ("2h"), for display. */
  duration: string;
  durationMs: number;
  /** App name globs. */
  apps: string[];
  /** Whether a manual sync may go ahead while this window holds the app. */
  manualSync: boolean;
  /** The IANA time zone the schedule is read in. */
  timeZone: string;
};

/** What the windows say about one app at one moment. */
export type WindowVerdict = {
  /** Whether an automated sync may run now. */
  allowed: boolean;
  /** Whether a manual sync may run now (always when `allowed`). */
  manualAllowed: boolean;
  /** When an automated sync is next allowed (ms since the epoch); absent when allowed, or none opens within a year. */
  until?: number;
  /** Why syncs wait, in words; absent when allowed. */
  reason?: string;
};

/** Why a cron expression is unusable, or undefined when it parses. */
export function cronProblem(schedule: string, timeZone = 'UTC'): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (!schedule.trim().startsWith('@') && fields.length !== 5)
    return `"${schedule}" has ${fields.length} field(s); write five (minute hour day-of-month month day-of-week)`;
  try {
    CronExpressionParser.parse(schedule, { tz: timeZone }).next();
    return undefined;
  } catch (error) {
    return `"${schedule}" is not a cron schedule: ${(error as Error).message}`;
  }
}

/** Whether `zone` is an IANA time zone this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Compiled app globs, kept per window. */
const globs = new WeakMap<SyncWindow, Minimatch[]>();

/** The windows that name this app. */
export function windowsFor(windows: readonly SyncWindow[], app: string): SyncWindow[] {
  return windows.filter((w) => {
    let matchers = globs.get(w);
    if (!matchers) globs.set(w, (matchers = w.apps.map((glob) => new Minimatch(glob))));
    return matchers.some((m) => m.match(app));
  });
}

/** Parsed schedules, kept per window: parsing costs several times what stepping a parsed one does. */
const parsed = new WeakMap<SyncWindow, CronExpression>();

/** The window's schedule, parsed once, set to `at`. Callers use it at once (it is shared and stateful). */
function scheduleAt(window: SyncWindow, at: number): CronExpression {
  let expression = parsed.get(window);
  if (!expression) {
    expression = CronExpressionParser.parse(window.schedule, { tz: window.timeZone });
    parsed.set(window, expression);
  }
  expression.reset(new Date(at));
  return expression;
}

/** When the occurrence of `window` running at `at` ends, or undefined when it is not active then. */
export function activeUntil(window: SyncWindow, at: number): number | undefined {
  // The latest start at or before `at` has the latest end: checking it is enough.
  const start = scheduleAt(window, at + 1)
    .prev()
    .getTime();
  const end = start + window.durationMs;
  return end > at ? end : undefined;
}

/** The first start of `window` strictly after `at`. */
export function nextStart(window: SyncWindow, at: number): number {
  return scheduleAt(window, at).next().getTime();
}

/**
 * Argo CD's rules: with no window, syncs are allowed; a matching deny window that is active holds
 * them (deny wins over allow); with any allow window, syncs run only inside an active one.
 * A manual sync may run when every window holding the app says `manualSync`.
 */
export function verdictAt(windows: readonly SyncWindow[], at: number): Omit<WindowVerdict, 'until'> {
  const active = windows.filter((w) => activeUntil(w, at) !== undefined);
  const denying = active.filter((w) => w.kind === 'deny');
  const allows = windows.filter((w) => w.kind === 'allow');
  if (denying.length > 0) {
    const names = denying.map(describeWindow).join(', ');
    return { allowed: false, manualAllowed: denying.every((w) => w.manualSync), reason: `inside deny window ${names}` };
  }
  if (allows.length > 0 && !active.some((w) => w.kind === 'allow')) {
    const names = allows.map(describeWindow).join(', ');
    return { allowed: false, manualAllowed: allows.some((w) => w.manualSync), reason: `outside allow window ${names}` };
  }
  return { allowed: true, manualAllowed: true };
}

/** How far ahead the opening of a window is looked for. */
const HORIZON_MS = 366 * 24 * 3600_000;
/** Most window boundaries stepped over looking for it. */
const MAX_STEPS = 500;

/** The verdict for an app's windows at `at`, with when automated syncs may next run. */
export function evaluateWindows(windows: readonly SyncWindow[], at: number): WindowVerdict {
  const now = verdictAt(windows, at);
  if (now.allowed || windows.length === 0) return now;
  let t = at;
  for (let step = 0; step < MAX_STEPS && t - at < HORIZON_MS; step++) {
    t = nextBoundary(windows, t);
    if (verdictAt(windows, t).allowed) return { ...now, until: t };
  }
  return now;
}

/** The next moment after `t` where some window starts or ends: until then, every verdict stays the same. */
export function nextBoundary(windows: readonly SyncWindow[], t: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const w of windows) {
    const end = activeUntil(w, t);
    if (end !== undefined) next = Math.min(next, end);
    const start = nextStart(w, t);
    next = Math.min(next, start, start + w.durationMs);
  }
  return next;
}

/** `deny "0 22 * * *" for 2h (UTC)`. */
export function describeWindow(w: SyncWindow): string {
  return `"${w.schedule}" for ${w.duration}${w.timeZone === 'UTC' ? '' : ` (${w.timeZone})`}`;
}
