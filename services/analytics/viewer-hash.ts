import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { analyticsKeys } from './analytics-keys.js';
import { dayId } from './time-buckets.js';

/**
 * A privacy-preserving viewer id: SHA-256 of client address and User-Agent, salted with a
 * key that changes every day (HMAC of the day under a per-deployment secret). No address is
 * stored, and hashes from different days cannot be linked to each other.
 */
export class ViewerHasher {
  private salt: { day: string; key: Buffer } | undefined;

  private constructor(private readonly secret: Buffer) {}

  /** Loads the deployment's secret, creating it once for the whole fleet. */
  static async open(redis: Redis): Promise<ViewerHasher> {
    await redis.set(analyticsKeys.secret, randomBytes(32).toString('hex'), 'NX');
    const secret = await redis.get(analyticsKeys.secret);
    return new ViewerHasher(Buffer.from(secret ?? randomBytes(32).toString('hex'), 'hex'));
  }

  static withSecret(secret: Buffer): ViewerHasher {
    return new ViewerHasher(secret);
  }

  hash(address: string, userAgent: string, now: number): string {
    const day = dayId(now);
    if (this.salt?.day !== day) this.salt = { day, key: createHmac('sha256', this.secret).update(day).digest() };
    return createHash('sha256').update(this.salt.key).update(address).update('\n').update(userAgent).digest('base64url').slice(0, 16);
  }
}
