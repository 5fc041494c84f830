import type { Redis } from 'ioredis';
import { redisKeys } from '../../redis/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store.js';
import { webhookKey } from '../../storage/keys.js';
import { DELIVERY_STATUSES } from './delivery-store.js';
import type { WebhookEndpoint } from './endpoint.js';

/** Webhook endpoints: storage first (the truth), then their Redis copy and indexes. */
export class EndpointStore {
  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
  ) {}

  async save(endpoint: WebhookEndpoint): Promise<void> {
    await this.store.put(webhookKey(endpoint.id), Buffer.from(JSON.stringify(endpoint)), { contentType: 'application/json' });
    await this.index(endpoint);
  }

  /** Writes the Redis copy of what storage holds (also the restore step of reindex). */
  async index(endpoint: WebhookEndpoint): Promise<void> {
    const tx = this.redis
      .multi()
      .set(redisKeys.webhook(endpoint.id), JSON.stringify(endpoint))
      .zadd(redisKeys.webhooks, 0, endpoint.id)
      .zadd(redisKeys.ownerWebhooks(endpoint.ownerId), 0, endpoint.id);
    if (endpoint.scope === 'all') tx.zadd(redisKeys.allScopeWebhooks, 0, endpoint.id);
    await tx.exec();
  }

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const text = await this.redis.get(redisKeys.webhook(id));
    return text ? (JSON.parse(text) as WebhookEndpoint) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<WebhookEndpoint[]> {
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(ids.map((id) => redisKeys.webhook(id)));
    return texts.filter((t): t is string => t !== null).map((t) => JSON.parse(t) as WebhookEndpoint);
  }

  /** An owner's endpoints, or (for an admin's listing) every endpoint. */
  async list(ownerId: string | undefined): Promise<WebhookEndpoint[]> {
    const ids = await this.redis.zrange(ownerId === undefined ? redisKeys.webhooks : redisKeys.ownerWebhooks(ownerId), 0, -1);
    return this.getMany(ids);
  }

  async countOf(ownerId: string): Promise<number> {
    return this.redis.zcard(redisKeys.ownerWebhooks(ownerId));
  }

  /** The endpoints that may receive an event about `ownerId`'s things: admins' and the owner's. */
  async candidatesFor(ownerId: string): Promise<WebhookEndpoint[]> {
    const [all, own] = await Promise.all([this.redis.zrange(redisKeys.allScopeWebhooks, 0, -1), ownerId ? this.redis.zrange(redisKeys.ownerWebhooks(ownerId), 0, -1) : []]);
    return this.getMany([...new Set([...all, ...own])]);
  }

  async remove(endpoint: WebhookEndpoint): Promise<void> {
    await this.store.delete(webhookKey(endpoint.id));
    await this.redis
      .multi()
      .del(redisKeys.webhook(endpoint.id))
      .zrem(redisKeys.webhooks, endpoint.id)
      .zrem(redisKeys.ownerWebhooks(endpoint.ownerId), endpoint.id)
      .zrem(redisKeys.allScopeWebhooks, endpoint.id)
      // Its listings go; pending deliveries are dropped when they come due, finished ones expire.
      .del(redisKeys.webhookDeliveries(endpoint.id), ...DELIVERY_STATUSES.map((s) => redisKeys.webhookDeliveries(endpoint.id, s)))
      .exec();
  }

  /** From storage, for the few writes that must not act on a stale Redis copy. */
  async read(id: string): Promise<WebhookEndpoint | undefined> {
    try {
      return JSON.parse((await this.store.getBuffer(webhookKey(id))).toString('utf8')) as WebhookEndpoint;
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }
}
