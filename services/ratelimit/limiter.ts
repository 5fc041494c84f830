import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateSpec } from '../core/rate-spec.js';
import { redisKeys } from '../redis/keys.js';

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
  windowSeconds: number;
}

/**
 * One fixed-window limit held in Redis, so it holds across pods. If Redis cannot answer, a
 * per-process limit of the same size stands in (rate-limiter-flexible's insurance limiter):
 * protection degrades to per pod, and requests are never refused for Redis being down.
 */
export class Limiter {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: Redis,
    readonly name: string,
    readonly spec: RateSpec,
  ) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${redisKeys.rateLimitPrefix}:${name}`,
      points: spec.points,
      duration: spec.seconds,
      insuranceLimiter: new RateLimiterMemory({ points: spec.points, duration: spec.seconds }),
    });
  }

  async consume(key: string, points = 1): Promise<LimitResult> {
    try {
      return this.result(await this.limiter.consume(key, points), true);
    } catch (err) {
      if (err instanceof RateLimiterRes) return this.result(err, false);
      throw err;
    }
  }

  /** Whether `key` is already over the limit, without spending a point. */
  async exhausted(key: string): Promise<LimitResult | undefined> {
    const res = await this.limiter.get(key).catch(() => null);
    if (!res || res.consumedPoints < this.spec.points) return undefined;
    return this.result(res, false);
  }

  private result(res: RateLimiterRes, allowed: boolean): LimitResult {
    return {
      allowed,
      limit: this.spec.points,
      remaining: Math.max(0, res.remainingPoints),
      resetSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)),
      windowSeconds: this.spec.seconds,
    };
  }
}
