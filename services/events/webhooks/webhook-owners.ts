import { LRUCache } from 'lru-cache';
import type { WebhookOwner } from '../../access/webhook-access.js';
import type { InvalidationBus } from '../../redis/invalidation-bus.js';

/** Reads a user as they are now (the account store). */
export interface UserLookup {
  getUser(id: string): Promise<WebhookOwner | undefined>;
}

/**
 * Endpoint owners as they are now, for the checks at fan-out and at every attempt. A short
 * cache, emptied for a user the moment the invalidation bus says they changed (disabled,
 * demoted) and wholly on a bus reconnect; the TTL bounds it if a message is lost.
 */
export class WebhookOwners {
  private readonly cache: LRUCache<string, { owner: WebhookOwner | undefined }>;

  constructor(
    private readonly users: UserLookup,
    bus: Pick<InvalidationBus, 'on' | 'onFlush'> | undefined,
    ttlMs = 2_000,
  ) {
    this.cache = new LRUCache({ max: 10_000, ttl: ttlMs });
    bus?.on('user', (id) => this.cache.delete(id));
    bus?.onFlush(() => this.cache.clear());
  }

  async get(userId: string): Promise<WebhookOwner | undefined> {
    const hit = this.cache.get(userId);
    if (hit) return hit.owner;
    const user = await this.users.getUser(userId);
    const owner = user ? { role: user.role, disabledAt: user.disabledAt } : undefined;
    this.cache.set(userId, { owner });
    return owner;
  }
}
