import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { withShortLock } from './short-lock.js';

let r: TestRedis;
beforeAll(async () => {
  r = await startTestRedis();
});
afterAll(async () => {
  await r.stop();
});

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

describe('withShortLock', () => {
  // Expiries of about a second: a renewal every 400 ms survives the event-loop stalls of a loaded CI machine.
  it('keeps the lock while a slow holder works past its expiry, and frees it when the work ends', async () => {
    const order: string[] = [];
    const slow = withShortLock(r.client, 'lock:slow', async () => {
      order.push('slow start');
      await sleep(4_000);
      order.push('slow end');
    }, { ttlMs: 1_200 });
    await sleep(50);
    // Waits past three expiries of the holder's lock: it must not get it while the holder works.
    const second = withShortLock(r.client, 'lock:slow', async () => void order.push('second'), { waitMs: 8_000 });
    await Promise.all([slow, second]);
    expect(order).toEqual(['slow start', 'slow end', 'second']);
    expect(await r.client.exists('lock:slow')).toBe(0);
  });

  it('answers busy (503) to a writer that waits longer than its bound', async () => {
    const holder = withShortLock(r.client, 'lock:busy', () => sleep(2_500), { ttlMs: 1_200 });
    await sleep(20);
    await expect(withShortLock(r.client, 'lock:busy', async () => 'no', { waitMs: 1_600 })).rejects.toMatchObject({ status: 503, code: 'busy' });
    await holder;
  });

  it('is taken over once a holder that died stops renewing it', async () => {
    // A holder that died: the lock is there under another token, and nobody renews it.
    await r.client.set('lock:dead', 'someone-else', 'PX', 200);
    const started = Date.now();
    expect(await withShortLock(r.client, 'lock:dead', async () => 'mine', { waitMs: 2_000 })).toBe('mine');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });
});
