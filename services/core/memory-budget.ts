import { unavailable } from './errors.js';

interface Waiter {
  bytes: number;
  grant: () => void;
}

/**
 * A process-wide budget of bytes that transforms reserve for as long as they run: a weighted
 * semaphore, first come first served (a large request at the head is not overtaken by small
 * ones, so it cannot starve). Counting transforms alone lets a few large sources take the
 * process out of memory; this bounds what they may need together. A request larger than the
 * whole budget could never run and is refused at once.
 */
export class MemoryBudget {
  private used = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly total: number) {}

  get inUse(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  async run<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    const need = Math.max(1, Math.ceil(bytes));
    if (need > this.total) {
      throw unavailable('over_memory_budget', 'this image is too large to prepare in the requested form on this server right now', {
        details: { neededBytes: need, budgetBytes: this.total },
      });
    }
    if (this.waiters.length > 0 || this.used + need > this.total) {
      await new Promise<void>((grant) => this.waiters.push({ bytes: need, grant }));
    } else {
      this.used += need;
    }
    try {
      return await work();
    } finally {
      this.used -= need;
      this.wakeWaiters();
    }
  }

  private wakeWaiters(): void {
    while (this.waiters.length > 0 && this.used + this.waiters[0]!.bytes <= this.total) {
      const next = this.waiters.shift()!;
      this.used += next.bytes;
      next.grant();
    }
  }
}
