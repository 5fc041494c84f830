import { LRUCache } from 'lru-cache';
import { AppError } from '../core/errors.js';

/** Enough for every failing variant of a bad day; each entry is an error and a key. */
const MAX_REMEMBERED = 10_000;

/**
 * Failed transforms, remembered for a while (bounded, with a TTL): a source that times out or
 * will not decode fails the same way next time, and retrying it on every request would spend a
 * core for the full timeout each time while normal transforms wait behind it.
 */
export class TransformFailures {
  private readonly failures: LRUCache<string, AppError> | undefined;

  constructor(private readonly ttlSeconds: number) {
    this.failures = ttlSeconds > 0 ? new LRUCache({ max: MAX_REMEMBERED, ttl: ttlSeconds * 1000 }) : undefined;
  }

  remember(key: string, error: AppError): void {
    this.failures?.set(key, error);
  }

  /** The remembered failure as an error to answer with, saying when a retry may work. */
  recall(key: string): AppError | undefined {
    const failed = this.failures?.get(key);
    if (!failed || !this.failures) return undefined;
    const retryAfterSeconds = Math.max(1, Math.ceil(this.failures.getRemainingTTL(key) / 1000));
    return new AppError(failed.status, failed.code, `${failed.message} (an earlier attempt failed; it is retried after ${retryAfterSeconds} s)`, {
      details: { ...failed.details, retryAfterSeconds },
      retryAfterSeconds,
      cause: failed.cause,
    });
  }

  get size(): number {
    return this.failures?.size ?? 0;
  }
}
