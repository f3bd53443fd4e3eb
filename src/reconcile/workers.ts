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
      await new Promise<void>((start) => {
        this.waiting.push({ priority, seq: this.seq++, start });
        this.waiting.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      });
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.start();
    }
  }

  get busy(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }
}
