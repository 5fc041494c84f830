/**
 * Concurrent calls with the same key share one execution; the entry is dropped when it
 * settles, so a failure is not cached and the next caller tries again. No lock is held across
 * the awaited work, so there is nothing to deadlock on.
 */
export class SingleFlight<T> {
  private readonly inFlight = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.inFlight.get(key);
    if (existing) return existing;
    const promise = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  get size(): number {
    return this.inFlight.size;
  }
}
