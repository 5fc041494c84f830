import type { Redis } from 'ioredis';
import { storedKeys } from '../../accounts/restore-accounts.js';
import type { Logger } from '../../core/logger.js';
import { WEBHOOKS_PREFIX } from '../../storage/keys.js';
import type { ObjectStore } from '../../storage/object-store.js';
import type { WebhookEndpoint } from './endpoint.js';
import { EndpointStore } from './endpoint-store.js';

/**
 * Rebuilds the Redis copy of webhook endpoints from storage (reindex, self-rebuild). Deliveries
 * in flight are Redis state and are lost with it; events still in the stream are not, and the
 * webhook consumer group is recreated at the stream's start (endpoints skip what predates them).
 */
export async function restoreWebhooks(deps: { store: ObjectStore; redis: Redis; logger: Logger; shards: number }): Promise<{ webhooks: number; unreadable: string[] }> {
  const out = { webhooks: 0, unreadable: [] as string[] };
  const endpoints = new EndpointStore(deps.redis, deps.store, deps.shards);
  for await (const keys of storedKeys(deps.store, WEBHOOKS_PREFIX)) {
    await Promise.all(
      keys.map(async (key) => {
        try {
          await endpoints.index(JSON.parse((await deps.store.getBuffer(key)).toString('utf8')) as WebhookEndpoint);
          out.webhooks++;
        } catch (err) {
          deps.logger.warn({ err, key }, 'webhook endpoint could not be restored');
          out.unreadable.push(key);
        }
      }),
    );
  }
  return out;
}
