import { z } from 'zod';
import { parseDuration } from '../domain/duration.js';
import { cronProblem, isTimeZone, type SyncWindow } from '../domain/sync-window.js';

/** One `sync_window { ... }` block (repeatable, top level), in HCL's JSON form. */
export const syncWindowSchema = z
  .strictObject({
    kind: z.enum(['allow', 'deny']),
    schedule: z.string().min(1),
    duration: z.string().refine(
      (value) => {
        try {
          return parseDuration(value) > 0;
        } catch {
          return false;
        }
      },
      { message: 'must be a positive Go duration such as "30m" or "2h"' },
    ),
    /** App name globs; every app when omitted. */
    apps: z.array(z.string().min(1)).default(['*']),
    manual_sync: z.boolean().default(false),
    time_zone: z.string().default('UTC').refine(isTimeZone, { message: 'must be an IANA time zone such as "UTC"' }),
  })
  .superRefine((w, ctx) => {
    // Checked once the time zone is known good: cron-parser reads the schedule in it.
    const problem = isTimeZone(w.time_zone) ? cronProblem(w.schedule, w.time_zone) : undefined;
    if (problem) ctx.addIssue({ code: 'custom', path: ['schedule'], message: problem });
  });

export type SyncWindowFile = z.infer<typeof syncWindowSchema>;

/** The validated blocks as the reconciler reads them. */
export function buildSyncWindows(blocks: SyncWindowFile[]): SyncWindow[] {
  return blocks.map((w) => ({
    kind: w.kind,
    schedule: w.schedule.trim(),
    duration: w.duration,
    durationMs: Math.round(parseDuration(w.duration) / 1e6),
    apps: w.apps,
    manualSync: w.manual_sync,
    timeZone: w.time_zone,
  }));
}
