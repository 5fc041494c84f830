import { describe, expect, it } from 'vitest';
import { MemoryBudget } from './memory-budget.js';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('MemoryBudget', () => {
  it('runs what fits at once and queues the rest in arrival order', async () => {
    const budget = new MemoryBudget(100);
    const order: string[] = [];
    const first = deferred();
    const a = budget.run(60, async () => {
      order.push('a');
      await first.promise;
    });
    const b = budget.run(60, async () => void order.push('b'));
    const c = budget.run(10, async () => void order.push('c'));
    await Promise.resolve();
    // c would fit beside a, but b came first: no overtaking, so b cannot starve.
    expect(order).toEqual(['a']);
    expect(budget.inUse).toBe(60);
    expect(budget.waiting).toBe(2);
    first.resolve();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b', 'c']);
    expect(budget.inUse).toBe(0);
  });

  it('never has more than the total reserved', async () => {
    const budget = new MemoryBudget(1000);
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        budget.run(100 + i * 37, async () => {
          peak = Math.max(peak, budget.inUse);
          await new Promise((r) => setTimeout(r, 1));
        }),
      ),
    );
    expect(peak).toBeLessThanOrEqual(1000);
    expect(budget.inUse).toBe(0);
  });

  it('refuses a request larger than the whole budget with a 503', async () => {
    const budget = new MemoryBudget(100);
    await expect(budget.run(101, async () => 1)).rejects.toMatchObject({ status: 503, code: 'over_memory_budget' });
  });

  it('releases the reservation when the work fails', async () => {
    const budget = new MemoryBudget(100);
    await expect(budget.run(100, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await budget.run(100, async () => 'ok')).toBe('ok');
  });
});
