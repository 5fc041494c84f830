/**
 * Counts units of work that must finish before shutdown closes what they use. An HTTP server's
 * close() waits for connections, not for handlers: a client that hangs up mid-upload leaves
 * its handler running, and it must not find Redis already closed.
 */
export class WorkTracker {
  private active = 0;
  private waiters: (() => void)[] = [];

  async track<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      if (this.active === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }

  get size(): number {
    return this.active;
  }

  /** Resolves when no work is running, or after `timeoutMs`, whichever is first; true if idle. */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
