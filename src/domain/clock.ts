/**
 * Time as Drover's schedules see it (sync windows and the wakes at their boundaries). Injected
 * so tests move time forward instead of sleeping.
 */
export type Clock = {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fn` once at `at` (ms since the epoch) or soon after; returns a function that cancels it. */
  setTimer(at: number, fn: () => void): () => void;
};

/** Longest delay Node's timers take (about 24.8 days); a later wake is re-armed when this one fires. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** The wall clock and Node's timers; a timer never keeps the process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fn) {
    let timer: NodeJS.Timeout;
    const arm = () => {
      const delay = at - Date.now();
      timer = setTimeout(delay > MAX_DELAY_MS ? arm : fn, Math.max(0, Math.min(delay, MAX_DELAY_MS)));
      timer.unref();
    };
    arm();
    return () => clearTimeout(timer);
  },
};
