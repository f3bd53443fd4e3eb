import type { Clock } from '../../src/domain/clock.js';

/** A clock that moves only when a test says so; timers due by then fire in time order. */
export class FakeClock implements Clock {
  private timers: Array<{ at: number; fn: () => void }> = [];

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  setTimer(at: number, fn: () => void): () => void {
    const timer = { at, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves to `iso` (never backwards), firing every timer due by then. */
  set(iso: string): void {
    const to = Date.parse(iso);
    if (to < this.time) throw new Error(`the clock does not go back (${new Date(this.time).toISOString()} > ${iso})`);
    for (;;) {
      const due = this.timers.filter((t) => t.at <= to).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = to;
  }

  /** Timers not yet fired, for assertions. */
  pending(): number[] {
    return this.timers.map((t) => t.at).sort((a, b) => a - b);
  }
}
