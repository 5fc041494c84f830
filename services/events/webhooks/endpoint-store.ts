import type { Redis } from 'ioredis';
import { allShards } from '../../core/shards.js';
import { ObjectNotFoundError, type ObjectStore } from '../../storage/object-store.js';
import { webhookKey } from '../../storage/keys.js';
import type { WebhookEndpoint } from './endpoint.js';
import { directoryShard, webhookKeys as k, webhookSteps } from './webhook-keys.js';

const parse = (text: string | null): WebhookEndpoint | undefined => (text ? (JSON.parse(text) as WebhookEndpoint) : undefined);

/**
 * Webhook endpoints: storage first (the truth), then their Redis copy and indexes. The copy and
 * the owner's list share the owner's slot (one MULTI); the directory entry and, for an admin's
 * endpoint, the all-scope entry are separate idempotent steps in other slots. Written copy
 * first and removed directory first, so a lookup through the directory never names a copy
 * that is not there (and `restoreWebhooks` repairs any step a crash skipped).
 */
export class EndpointStore {
  constructor(
    private readonly redis: Redis,
    private readonly store: ObjectStore,
    private readonly shards: number,
  ) {}

  async save(endpoint: WebhookEndpoint): Promise<void> {
    await this.store.put(webhookKey(endpoint.id), Buffer.from(JSON.stringify(endpoint)), { contentType: 'application/json' });
    await this.index(endpoint);
  }

  /** Writes the Redis copy of what storage holds (also the restore step of reindex). */
  async index(endpoint: WebhookEndpoint): Promise<void> {
    const [copy, list] = webhookSteps.indexEndpoint(endpoint.ownerId, endpoint.id) as [string, string];
    await this.redis.multi().set(copy, JSON.stringify(endpoint)).zadd(list, 0, endpoint.id).exec();
    await this.redis.hset(k.directory(directoryShard(endpoint.id, this.shards)), endpoint.id, endpoint.ownerId);
    if (endpoint.scope === 'all') await this.redis.hset(k.allScope, endpoint.id, endpoint.ownerId);
  }

  /** By id alone (a route's `:id`): one hop to the directory, one to the owner's slot. */
  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const ownerId = await this.redis.hget(k.directory(directoryShard(id, this.shards)), id);
    return ownerId ? this.getOf(ownerId, id) : undefined;
  }

  /** When the owner is known (a delivery carries it). */
  async getOf(ownerId: string, id: string): Promise<WebhookEndpoint | undefined> {
    return parse(await this.redis.get(k.endpoint(ownerId, id)));
  }

  /** An owner's endpoints, or (for an admin's listing) every endpoint, ordered by id. */
  async list(ownerId: string | undefined): Promise<WebhookEndpoint[]> {
    if (ownerId !== undefined) return this.ofOwner(ownerId);
    const dirs = await Promise.all(allShards(this.shards).map((s) => this.redis.hgetall(k.directory(s))));
    const entries = dirs.flatMap((d) => Object.entries(d)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const found = await Promise.all(entries.map(([id, owner]) => this.getOf(owner, id)));
    return found.filter((e): e is WebhookEndpoint => e !== undefined);
  }

  async countOf(ownerId: string): Promise<number> {
    return this.redis.zcard(k.ownerEndpoints(ownerId));
  }

  /** The endpoints that may receive an event about `ownerId`'s things, without admins' (see `allScope`). */
  async ofOwner(ownerId: string): Promise<WebhookEndpoint[]> {
    const ids = await this.redis.zrange(k.ownerEndpoints(ownerId), 0, -1);
    if (ids.length === 0) return [];
    const texts = await this.redis.mget(webhookSteps.readEndpoints(ownerId, ids));
    return texts.map(parse).filter((e): e is WebhookEndpoint => e !== undefined);
  }

  /** Admins' endpoints, which receive every event (read once per batch of events). */
  async allScope(): Promise<WebhookEndpoint[]> {
    const entries = Object.entries(await this.redis.hgetall(k.allScope));
    const found = await Promise.all(entries.map(([id, owner]) => this.getOf(owner, id)));
    return found.filter((e): e is WebhookEndpoint => e !== undefined);
  }

  async remove(endpoint: WebhookEndpoint): Promise<void> {
    await this.store.delete(webhookKey(endpoint.id));
    await this.redis.hdel(k.directory(directoryShard(endpoint.id, this.shards)), endpoint.id);
    await this.redis.hdel(k.allScope, endpoint.id);
    const [copy, list, ...listings] = webhookSteps.removeEndpoint(endpoint.ownerId, endpoint.id) as [string, string, ...string[]];
    // Its listings go; pending deliveries are dropped when they come due, finished ones expire.
    await this.redis.multi().del(copy).zrem(list, endpoint.id).del(...listings).exec();
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
