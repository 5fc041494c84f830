import type { Redis } from 'ioredis';
import type { RateSpec } from '../core/rate-spec.js';
import { tooManyRequests } from '../core/errors.js';
import { Limiter } from './limiter.js';

export interface RateLimitConfig {
  perKey: RateSpec | 'off';
  perAddress: RateSpec | 'off';
  authFailures: RateSpec | 'off';
}

/**
 * The API's limits: requests per key (callers with a key), per client address (callers
 * without one), and, tighter, failed authentications per address, which stop key guessing
 * before a key is even looked up.
 */
export class ApiRateLimits {
  private readonly perKey: Limiter | undefined;
  private readonly perAddress: Limiter | undefined;
  private readonly failures: Limiter | undefined;

  constructor(redis: Redis, config: RateLimitConfig) {
    this.perKey = config.perKey === 'off' ? undefined : new Limiter(redis, 'key', config.perKey);
    this.perAddress = config.perAddress === 'off' ? undefined : new Limiter(redis, 'addr', config.perAddress);
    this.failures = config.authFailures === 'off' ? undefined : new Limiter(redis, 'authfail', config.authFailures);
  }

  /** Throws 429 when this address has failed authentication too often lately. */
  async refuseIfBlocked(address: string): Promise<void> {
    const blocked = await this.failures?.exhausted(address);
    if (blocked) throw tooManyRequests(`too many failed authentications from this address; retry in ${blocked.resetSeconds} s`, blocked.resetSeconds);
  }

  async authenticationFailed(address: string): Promise<void> {
    await this.failures?.consume(address).catch(() => undefined);
  }

  /** Spends one request of the caller's budget; the result carries the headers' figures. */
  // A structural caller, not accounts' Principal: ratelimit/ sits below the roles it serves.
  async spend(principal: { readonly kind: 'anonymous' } | { readonly kind: 'user'; readonly keyId: string }, address: string) {
    const limiter = principal.kind === 'user' ? this.perKey : this.perAddress;
    if (!limiter) return undefined;
    return limiter.consume(principal.kind === 'user' ? principal.keyId : address);
  }
}
