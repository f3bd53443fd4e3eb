/**
 * At most `size` tasks at once; waiting tasks start by priority (higher first), then in
 * arrival order. Bounds the memory and event-loop share of reconciles when many apps are
 * triggered together (startup, a push to a monorepo), and lets manual work jump the queue.
 */
export class Workers {
  private active = 0;
  private readonly waiting: Array<{ priority: number; seq: number; start: () => void }> = [];
  private seq = 0;

  constructor(private readonly size: number) {}

  async run<T>(priority: number, task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) {
      // Inserted in place (the list stays sorted): sorting on every push made a startup of
      // thousands of apps quadratic.
      await new Promise<void>((start) => this.enqueue({ priority, seq: this.seq++, start }));
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.start();
    }
  }

  /** After every waiting task of at least its priority: by priority, then arrival. */
  private enqueue(task: { priority: number; seq: number; start: () => void }): void {
    let low = 0;
    let high = this.waiting.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.waiting[mid]!.priority >= task.priority) low = mid + 1;
      else high = mid;
    }
    this.waiting.splice(low, 0, task);
  }

  get busy(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
