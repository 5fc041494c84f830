import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { unavailable } from '../core/errors.js';
import { runScript } from './scripts.js';


/**
 * A lock held for one short read-modify-write (a manifest rewrite): it serialises writers of
 * the same object only, so it never touches throughput across images. The expiry bounds how
 * long a crashed holder can block; while the holder lives it renews the lock every third of
 * the expiry, so a write slowed past it (a storage stall) is not joined by a second writer
 * that would build on the same revision and undo it. The token makes sure only the holder
 * renews and releases it.
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
  // A failed renewal is left to the next one: the lock still expires on its own if all fail.
  const renewal = setInterval(() => void runScript(redis, 'renewLock', [key], [token, ttl]).catch(() => undefined), Math.max(10, Math.floor(ttl / 3)));
  try {
    return await fn();
  } finally {
    clearInterval(renewal);
    await runScript(redis, 'compareAndDelete', [key], [token]).catch(() => undefined);
  }
}
