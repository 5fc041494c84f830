import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Principal } from '../accounts/principal.js';
import { tooManyRequests } from '../core/errors.js';
import { redisKeys } from '../redis/keys.js';

/**
 * Drops expired leases, then takes one if fewer than the limit are held. A lease is a member
 * of a sorted set scored by its expiry, so a holder that died frees its place by itself.
 */
const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, first[2] or ARGV[2]}
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return {1, ARGV[2]}
`;

const TTL_MS = 30_000;
const RENEW_MS = 10_000;

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
    const now = Date.now();
    const [ok, at] = (await this.redis.eval(ACQUIRE, 1, key, String(now), String(now + TTL_MS), String(this.limit), token)) as [number, string];
    if (ok !== 1) {
      const wait = Math.max(1, Math.ceil((Number(at) - now) / 1000));
      throw tooManyRequests(`only ${this.limit} full-resolution download${this.limit > 1 ? 's' : ''} at a time; finish the one in progress first`, Math.min(wait, 30));
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
