import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import type { EndpointStore } from '../events/webhooks/endpoint-store.js';
import type { SecretBox } from '../events/webhooks/secret-box.js';
import { startWebhooks } from '../events/webhooks/start-webhooks.js';
import type { EventSink } from '../events/event-sink.js';
import type { ColdResult } from '../images/cold-records.js';
import type { ImageIndex } from '../images/image-index.js';
import { startResizer, type ResizerRole } from '../resizer/start-resizer.js';
import { startEraseSweeps } from '../sharing/erase-sweep.js';
import { startNotificationFeed } from '../sharing/notification-feed.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { Cleanup } from './cleanups.js';
import type { AccessParts } from './compose-access.js';
import type { SharingParts } from './sharing-parts.js';

/**
 * The background work of the roles that run it (runtime/role-parts.ts): resize jobs, the
 * cold-record eviction, erasing what sat in the trash too long, the notification feed and
 * webhook delivery. Each part's stop goes on `cleanups` as it starts.
 */
export async function startBackground(
  deps: {
    config: Config;
    redis: Redis;
    index: ImageIndex;
    store: ObjectStore;
    telemetry: Telemetry;
    logger: Logger;
    budget: MemoryBudget;
    access: AccessParts;
    sharing: SharingParts;
    events: EventSink;
    webhooks: { endpoints: EndpointStore; box: SecretBox };
    confirmIntact: () => Promise<boolean>;
    coldSweep: (idleDays: number) => Promise<ColdResult>;
  },
  cleanups: Cleanup[],
): Promise<ResizerRole> {
  const { config, redis, index, store, telemetry, logger, access, events } = deps;
  const resizer = await startResizer({ config, redis, index, writer: access.writer, store, telemetry, logger, budget: deps.budget, confirmIntact: deps.confirmIntact });
  cleanups.push(() => resizer.stop(config.shutdownTimeoutMs));
  if (config.recordColdDays > 0 && config.recordColdSweepSeconds > 0) {
    // Idempotent (a compare-and-delete per record): pods that run it at once only repeat work.
    const timer = setInterval(() => void deps.coldSweep(config.recordColdDays).catch((err: unknown) => logger.warn({ err }, 'cold-record pass failed')), config.recordColdSweepSeconds * 1000);
    timer.unref();
    cleanups.push(async () => clearInterval(timer));
  }
  // Erases what has sat in the trash past IMGSVC_ERASE_AFTER.
  const sweeps = startEraseSweeps(
    { redis, index, store, bus: access.bus, logger, analyticsRetentionDays: config.analyticsRetentionDays, eraseAfterSeconds: config.eraseAfterSeconds, events },
    config.eraseSweepSeconds,
  );
  cleanups.push(async () => sweeps.stop());
  // Turns comments into notifications, from the event stream.
  const feed = startNotificationFeed({
    redis,
    comments: deps.sharing.comments,
    notifications: deps.sharing.notifications,
    lookup: (id) => index.get(id),
    logger,
    reclaimIdleMs: config.notificationReclaimSeconds * 1000,
    applyDelayMs: config.notificationApplyDelayMs,
  });
  cleanups.push(() => feed.stop());
  const delivering = await startWebhooks({ config, redis, logger, meter: telemetry.meter, ...deps.webhooks, users: access.accounts, bus: access.bus, store });
  cleanups.push(() => delivering.stop(config.shutdownTimeoutMs));
  return resizer;
}
