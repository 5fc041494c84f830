import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const tick = (ms = 5) => new Promise((r) => setTimeout(r, ms));

describe('WorkQueue', () => {
  it('coalesces repeated adds of a key into one run', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const q = new WorkQueue(async (key) => {
      seen.push(key);
      await gate;
    }, { concurrency: 1, baseDelayMs: 1, maxDelayMs: 10 });
    q.add('blocker');
    for (let i = 0; i < 5; i++) q.add('a');
    expect(q.depth).toBe(1);
    release();
    await q.idle();
    expect(seen).toEqual(['blocker', 'a']);
  });

  it('never runs one key twice at once, and reruns a key added while it ran', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const q = new WorkQueue(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      runs++;
      await tick();
      running--;
    }, { concurrency: 4, baseDelayMs: 1, maxDelayMs: 10 });
    q.add('k');
    await tick(1);
    q.add('k');
    q.add('k');
    await q.idle();
    await tick(20);
    expect(maxRunning).toBe(1);
    expect(runs).toBe(2);
  });

  it('runs different keys concurrently up to the limit', async () => {
    let running = 0;
    let maxRunning = 0;
    const q = new WorkQueue(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await tick(10);
      running--;
    }, { concurrency: 3, baseDelayMs: 1, maxDelayMs: 10 });
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
    await q.idle();
    expect(maxRunning).toBe(3);
  });

  it('retries a failing key with growing delays and forgets failures after a success', async () => {
    const times: number[] = [];
    const delays: number[] = [];
    const q = new WorkQueue(
      async () => {
        times.push(Date.now());
        if (times.length < 4) throw new Error('api down');
      },
      { concurrency: 1, baseDelayMs: 20, maxDelayMs: 1_000 },
      (_key, _err, retryInMs) => delays.push(retryInMs),
    );
    q.add('k');
    const deadline = Date.now() + 3_000;
    while (times.length < 4 && Date.now() < deadline) await tick(10);
    expect(times).toHaveLength(4);
    expect(delays).toHaveLength(3);
    // Exponential: each ceiling doubles (10–20, 20–40, 40–80 ms).
    expect(delays[0]).toBeLessThanOrEqual(20);
    expect(delays[2]).toBeGreaterThanOrEqual(40);
  });

  it('honours a requested requeue, and stops taking work on stop()', async () => {
    let runs = 0;
    const q = new WorkQueue(async () => {
      runs++;
      return { requeueAfterMs: 10 };
    }, { concurrency: 1, baseDelayMs: 1, maxDelayMs: 10 });
    q.add('k');
    await tick(60);
    expect(runs).toBeGreaterThanOrEqual(3);
    await q.stop();
    const after = runs;
    q.add('k');
    await tick(30);
    expect(runs).toBe(after);
  });
});
