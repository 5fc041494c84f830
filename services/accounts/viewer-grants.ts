import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { redisKeys } from '../redis/keys.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';
import { grantKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

/**
 * All-or-none sharing: an owner grants a viewer every one of the owner's private images, or
 * none. Each grant is one object in storage (the truth: put and delete are idempotent, so two
 * pods granting at once cannot lose an update) and a member of a Redis set every pod reads.
 */
export class ViewerGrants {
  /** `${ownerId} ${viewerId}` → granted; short-lived, and dropped at once on an invalidation. */
  private readonly cache = new LRUCache<string, boolean>({ max: 50_000, ttl: 5_000 });

  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly bus: InvalidationBus | undefined,
  ) {
    bus?.on('viewers', (ownerId) => this.forget(ownerId));
    bus?.onFlush(() => this.cache.clear());
  }

  async grant(ownerId: string, viewerId: string, now = new Date()): Promise<void> {
    await this.store.put(grantKey(ownerId, viewerId), Buffer.from(JSON.stringify({ ownerId, viewerId, grantedAt: now.toISOString() })));
    await this.index(ownerId, viewerId);
    await this.bus?.publish('viewers', ownerId);
  }

  async revoke(ownerId: string, viewerId: string): Promise<void> {
    await this.store.delete(grantKey(ownerId, viewerId));
    // Two users' keys (two tags): two idempotent steps, the owner's side (what access reads) first.
    await this.redis.srem(redisKeys.viewers(ownerId), viewerId);
    await this.redis.srem(redisKeys.viewing(viewerId), ownerId);
    await this.bus?.publish('viewers', ownerId);
  }

  async index(ownerId: string, viewerId: string): Promise<void> {
    // Two users' keys (two tags): two idempotent steps after the grant's object in storage;
    // a crash between them is repaired by the retry or by the rebuild from storage.
    await this.redis.sadd(redisKeys.viewers(ownerId), viewerId);
    await this.redis.sadd(redisKeys.viewing(viewerId), ownerId);
  }

  async viewersOf(ownerId: string): Promise<string[]> {
    return (await this.redis.smembers(redisKeys.viewers(ownerId))).sort();
  }

  /** The owners whose private images this user may see, in no particular order (a search's, 2,000 for a broad caller, needs none). */
  async ownersViewableBy(viewerId: string): Promise<string[]> {
    return this.redis.smembers(redisKeys.viewing(viewerId));
  }

  async isGranted(ownerId: string, viewerId: string): Promise<boolean> {
    const cacheKey = `${ownerId} ${viewerId}`;
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const granted = (await this.redis.sismember(redisKeys.viewers(ownerId), viewerId)) === 1;
    this.cache.set(cacheKey, granted);
    return granted;
  }

  private forget(ownerId: string): void {
    const prefix = `${ownerId} `;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }
}
