import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Principal } from '../accounts/principal.js';
import { tooManyRequests } from '../core/errors.js';
import { redisKeys } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';

const TTL_MS = 30_000;
const RENEW_MS = 10_000;
/**
 * A client that reads one download to its end and asks for the next at once can arrive before
 * the first lease's release has reached Redis (it is sent when the response closes): a refused
 * lease is retried for this long before the caller is told 429.
 */
const RELEASE_GRACE_MS = [25, 100, 250, 625];

export interface Lease {
  release(): void;
}

/**
 * One full-resolution stream at a time per user (per client address for anonymous viewers),
 * held in Redis so it holds across pods: the lease is renewed while the bytes flow and
 * released when the response ends or the client goes away. Thumbnails never take one.
 */
export class DownloadLeases {
  constructor(
    private readonly redis: Redis,
    private readonly limit: number,
  ) {}

  get enabled(): boolean {
    return this.limit > 0;
  }

  static holder(principal: Principal, address: string): string {
    return principal.kind === 'user' ? `u:${principal.userId}` : `a:${address}`;
  }

  /** Takes a lease or throws 429 with how long until one may free up. */
  async acquire(holder: string): Promise<Lease> {
    if (!this.enabled) return { release: () => undefined };
    const key = redisKeys.downloadLease(holder);
    const token = randomUUID();
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      const [ok, at] = await runScript<[number, string]>(this.redis, 'acquireLease', [key], [String(now), String(now + TTL_MS), String(this.limit), token]);
      if (ok === 1) break;
      const pause = RELEASE_GRACE_MS[attempt];
      if (pause === undefined) {
        const wait = Math.max(1, Math.ceil((Number(at) - now) / 1000));
        throw tooManyRequests(`only ${this.limit} full-resolution download${this.limit > 1 ? 's' : ''} at a time; finish the one in progress first`, Math.min(wait, 30));
      }
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const renew = setInterval(() => {
      this.redis.zadd(key, 'XX', Date.now() + TTL_MS, token).then(() => this.redis.pexpireat(key, Date.now() + TTL_MS)).catch(() => undefined);
    }, RENEW_MS);
    renew.unref();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        clearInterval(renew);
        this.redis.zrem(key, token).catch(() => undefined);
      },
    };
  }
}
