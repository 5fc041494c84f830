import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { unavailable } from '../core/errors.js';
import { runScript } from './scripts.js';


/**
 * A lock held for one short read-modify-write (a manifest rewrite): it serialises writers of
 * the same object only, so it never touches throughput across images. The expiry bounds how
 * long a crashed holder can block; the token makes sure only the holder releases it.
 */
export async function withShortLock<T>(redis: Redis, key: string, fn: () => Promise<T>, options: { ttlMs?: number; waitMs?: number } = {}): Promise<T> {
  const token = randomUUID();
  const ttl = options.ttlMs ?? 10_000;
  const deadline = Date.now() + (options.waitMs ?? 5_000);
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    if ((await redis.set(key, token, 'PX', ttl, 'NX')) === 'OK') break;
    if (Date.now() > deadline) throw unavailable('busy', 'another change to the same object is in progress; retry');
    await new Promise((r) => setTimeout(r, delay));
  }
  try {
    return await fn();
  } finally {
    await runScript(redis, 'compareAndDelete', [key], [token]).catch(() => undefined);
  }
}
