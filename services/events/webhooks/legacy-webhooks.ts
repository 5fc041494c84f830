import type { Redis } from 'ioredis';
import type { Logger } from '../../core/logger.js';
import type { ObjectStore } from '../../storage/object-store.js';
import { DeliveryStore, fromHash } from './delivery-store.js';
import type { WebhookEndpoint } from './endpoint.js';
import { EndpointStore } from './endpoint-store.js';
import { restoreWebhooks } from './restore-webhooks.js';

/** The keys of the layout before sharding: everything under one `{webhooks}` tag. */
const L = 'imgsvc:{webhooks}:';
const legacy = {
  endpoints: `${L}endpoints`,
  endpoint: (id: string) => `${L}endpoint:${id}`,
  owner: (ownerId: string) => `${L}owner:${ownerId}`,
  allScope: `${L}all-scope`,
  delivery: (id: string) => `${L}delivery:${id}`,
  due: `${L}due`,
  deliveries: (endpointId: string, status?: string) => `${L}deliveries:${endpointId}${status ? `:${status}` : ''}`,
};
const STATUSES = ['pending', 'failed', 'delivered', 'dead'];

/**
 * Moves a deployment's webhook bookkeeping from the one-slot `{webhooks}` layout to the sharded
 * one, losing nothing: endpoints are restored from storage (the truth), then every delivery of
 * every endpoint (with its status, attempts, listings, remaining lifetime and due time) is
 * taken into its owner's keys, then the old keys are removed. Idempotent and cheap when there
 * is nothing to move (one EXISTS); runs when the webhook worker starts. A single Redis only:
 * the old layout never ran on a cluster.
 */
export async function migrateLegacyWebhooks(deps: { redis: Redis; store: ObjectStore; shards: number; logger: Logger }): Promise<{ endpoints: number; deliveries: number } | undefined> {
  const { redis } = deps;
  if ((await redis.exists(legacy.endpoints, legacy.due)) === 0) return undefined;
  const restored = await restoreWebhooks(deps);
  const endpoints = new EndpointStore(redis, deps.store, deps.shards);
  const deliveries = new DeliveryStore(redis, deps.shards);
  const ids = await redis.zrange(legacy.endpoints, 0, -1);
  const owners = new Set<string>();
  let moved = 0;
  for (const endpointId of ids) {
    const old = await redis.get(legacy.endpoint(endpointId));
    if (old) owners.add((JSON.parse(old) as WebhookEndpoint).ownerId);
    const endpoint = await endpoints.get(endpointId);
    for (const id of await redis.zrange(legacy.deliveries(endpointId), 0, -1)) {
      const d = fromHash(await redis.hgetall(legacy.delivery(id)));
      // Gone (expired) or of an endpoint storage no longer has: nothing to keep.
      if (d && endpoint) {
        const [score, ttl] = await Promise.all([redis.zscore(legacy.due, id), redis.pttl(legacy.delivery(id))]);
        const open = d.status === 'pending' || d.status === 'failed';
        await deliveries.adopt({ ...d, ownerId: endpoint.ownerId }, open ? Number(score ?? d.nextAt ?? Date.now()) : undefined, ttl > 0 ? ttl : undefined);
        moved++;
      }
      await redis.del(legacy.delivery(id));
    }
    await redis.del(legacy.deliveries(endpointId), ...STATUSES.map((s) => legacy.deliveries(endpointId, s)), legacy.endpoint(endpointId));
  }
  // Deliveries of endpoints deleted earlier were waiting to be dropped when due: drop them now.
  for (const id of await redis.zrange(legacy.due, 0, -1)) await redis.del(legacy.delivery(id));
  await redis.del(legacy.due, legacy.endpoints, legacy.allScope, ...[...owners].map(legacy.owner));
  deps.logger.info({ endpoints: restored.webhooks, deliveries: moved }, 'webhook bookkeeping moved to the sharded layout');
  return { endpoints: restored.webhooks, deliveries: moved };
}
