import { hostname } from 'node:os';
import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { ObjectStore } from '../../storage/object-store.js';
import type { Config } from '../../core/config.js';
import type { Logger } from '../../core/logger.js';
import type { InvalidationBus } from '../../redis/invalidation-bus.js';
import { EventConsumer } from '../event-consumer.js';
import { DeliveryStore } from './delivery-store.js';
import { DeliveryWorker } from './delivery-worker.js';
import { EndpointStore } from './endpoint-store.js';
import { fanOut } from './fan-out.js';
import { migrateLegacyWebhooks } from './legacy-webhooks.js';
import type { SecretBox } from './secret-box.js';
import { WebhookOwners, type UserLookup } from './webhook-owners.js';

export const WEBHOOK_GROUP = 'webhooks';

/** A claimed delivery is the worker's for its attempt's timeout and a margin; then it is due again. */
export function leaseMsFor(timeoutMs: number): number {
  return timeoutMs * 2 + 5_000;
}

/**
 * The webhook worker of the resizer role: a consumer of the event stream that schedules
 * deliveries (acknowledging events only once scheduled) and a worker that sends due ones.
 */
export async function startWebhooks(deps: {
  config: Config;
  redis: Redis;
  endpoints: EndpointStore;
  box: SecretBox;
  logger: Logger;
  meter: Meter;
  /** Endpoint owners as they are now, and the bus that says when they change. */
  users: UserLookup;
  /** Storage, for moving an older layout's bookkeeping (its endpoints are restored from it). */
  store: ObjectStore;
  bus: InvalidationBus | undefined;
}): Promise<{ stop(timeoutMs: number): Promise<void> }> {
  const { config, logger } = deps;
  const log = logger.child({ component: 'webhooks' });
  await migrateLegacyWebhooks({ redis: deps.redis, store: deps.store, shards: config.redisShards, logger: log });
  const deliveries = new DeliveryStore(deps.redis, config.redisShards);
  const owners = new WebhookOwners(deps.users, deps.bus);
  const leaseMs = leaseMsFor(config.webhookTimeoutMs);
  const reader = deps.redis.duplicate({ connectionName: 'imgsvc-webhook-reader' });
  reader.on('error', () => undefined); // the main connection already logs Redis trouble
  const consumer = new EventConsumer(deps.redis, reader, {
    group: WEBHOOK_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    // From the stream's start: endpoints skip events from before they were registered.
    startAt: '0',
    reclaimIdleMs: leaseMs,
    blockMs: Math.min(2000, Math.max(100, config.webhookPollMs * 2)),
  });
  await consumer.ensureGroup();
  const aborter = new AbortController();
  const consuming = consumer.run(
    async (events) => {
      const n = await fanOut(events, { endpoints: deps.endpoints, deliveries, owners });
      if (n > 0) log.debug({ events: events.length, scheduled: n }, 'webhook deliveries scheduled');
    },
    aborter.signal,
    (err) => log.warn({ err }, 'reading events for webhooks failed; retrying'),
  );
  const attempts = deps.meter.createCounter('imgsvc_webhook_attempts', { description: 'Webhook delivery attempts by outcome: delivered, failed (will retry), gone (410, endpoint disabled), dead (dead-lettered)' });
  deps.meter
    .createObservableGauge('imgsvc_webhook_deliveries_scheduled', { description: 'Webhook deliveries waiting for their next attempt or being attempted (shared: every worker reports the same)' })
    .addCallback(async (result) => {
      try {
        result.observe(await deliveries.scheduledCount());
      } catch {
        // Redis unavailable: report nothing rather than a misleading zero.
      }
    });
  const worker = new DeliveryWorker(
    deliveries,
    deps.endpoints,
    owners,
    deps.box,
    {
      timeoutMs: config.webhookTimeoutMs,
      schedule: { baseMs: config.webhookRetryBaseMs, maxMs: config.webhookRetryMaxMs, windowMs: config.webhookRetryWindowMs },
      allow: config.webhookAllowPrivate,
      concurrency: config.webhookConcurrency,
      ownerConcurrency: Math.min(config.webhookOwnerConcurrency, config.webhookConcurrency),
      pollMs: config.webhookPollMs,
      leaseMs,
      onAttempt: (outcome) => attempts.add(1, { outcome }),
    },
    log,
  );
  worker.start();
  return {
    stop: async (timeoutMs) => {
      aborter.abort();
      await worker.stop(timeoutMs);
      // The blocked XREADGROUP returns on disconnect.
      reader.disconnect();
      await consuming.catch(() => undefined);
    },
  };
}
