import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { availableParallelism, hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { RequestRecorder } from '../analytics/request-recorder.js';
import { ViewerHasher } from '../analytics/viewer-hash.js';
import type { Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { MemoryBudget } from '../core/memory-budget.js';
import { WorkTracker } from '../core/work-tracker.js';
import { createHttpMetrics } from '../http/http-metrics.js';
import { ImageIndex } from '../images/image-index.js';
import { IndexGuard } from '../images/index-guard.js';
import { manifestOrNothing, RecordCache } from '../images/record-cache.js';
import { buildApp } from '../http/build-app.js';
import { restoreSharing } from '../sharing/restore-sharing.js';
import type { CheckResult } from '../http/health-routes.js';
import { createTelemetry } from '../telemetry/telemetry.js';
import { createPublicImages } from './public-images.js';
import { openObjectStore } from '../storage/open-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { startResizer, type ResizerRole } from '../resizer/start-resizer.js';
import { connectRedis } from './connect-redis.js';
import { sweepTempFiles } from './sweep-temp-files.js';
import { composeAccess, type AccessParts } from './compose-access.js';
import { bootstrapAdmin, type Bootstrap } from '../accounts/bootstrap.js';
import { restoreAccounts } from '../accounts/restore-accounts.js';
import { startEraseSweeps } from '../sharing/erase-sweep.js';
import { EventSink } from '../events/event-sink.js';
import { startNotificationFeed } from '../sharing/notification-feed.js';
import { notificationsFor } from '../sharing/notifications.js';
import { Comments } from '../sharing/comments.js';
import { adoptOwnerless } from '../images/adopt-ownerless.js';
import { listRoutes } from '../http/list-routes.js';
import { PUBLIC_IMAGE_ROUTES } from '../origin/public-image-handler.js';
import { startTempSweeps, type TempFolder } from './sweep-temp-files.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { EndpointStore } from '../events/webhooks/endpoint-store.js';
import { restoreWebhooks } from '../events/webhooks/restore-webhooks.js';
import { loadSecretBox } from '../events/webhooks/secret-box.js';
import { startWebhooks } from '../events/webhooks/start-webhooks.js';

export interface ServiceHandle {
  readonly url: string;
  readonly port: number;
  readonly config: Config;
  readonly redisUrl: string;
  readonly redis: Redis;
  readonly store: ObjectStore;
  readonly recorder: RequestRecorder;
  readonly logger: Logger;
  /** Present in the `all` and `resizer` roles. */
  readonly resizer: ResizerRole | undefined;
  readonly access: AccessParts;
  /** The bootstrap admin; `token` only on the start that created it. */
  readonly bootstrap: Bootstrap;
  /** Every route this process serves, `METHOD /path` (the access matrix checks it has a row for each). */
  readonly routes: string[];
  /** Stops accepting, drains in-flight requests (bounded), flushes analytics, closes everything. */
  stop(): Promise<void>;
}

/** Bound on the upload's validation decode of untrusted bytes. */
const PROBE_TIMEOUT_SECONDS = 10;

/**
 * Composes one imgsvc process for its role. Everything it opens is closed by `stop()`, in the
 * reverse order, so tests can run several instances in one process.
 */
export async function startService(
  config: Config,
  /** `onFatal`: the process can no longer work (its private Redis keeps dying); `serve` exits on it. */
  options: { logger?: Logger; onFatal?: (err: Error) => void; onBootstrap?: (b: Bootstrap) => void } = {},
): Promise<ServiceHandle> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  const tmpDir = join(dataDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });

  const { redis, url: redisUrl, close: closeRedis } = await connectRedis(config, dataDir, logger, 'main', options.onFatal);
  const cleanups: (() => Promise<unknown>)[] = [closeRedis];
  try {
    const store = await openObjectStore(config, dataDir);
    const tempFolders: TempFolder[] = [{ dir: tmpDir, prefix: 'upload-' }];
    if (store instanceof FsObjectStore) tempFolders.push({ dir: store.stagingDir });
    cleanups.push(
      await startTempSweeps(tempFolders, logger, {
        safeAgeMs: config.tempSafeAgeSeconds * 1000,
        intervalMs: config.tempSweepIntervalSeconds * 1000,
      }),
    );
    const telemetry = createTelemetry({ role: config.role });
    cleanups.push(() => telemetry.shutdown());
    const httpMetrics = createHttpMetrics(telemetry.fast);
    // One sink for every writer: the retention is applied by each append (XADD MINID ~).
    const events = new EventSink(config.eventRetentionMs);
    const index = new ImageIndex(redis, events);
    // Bound once the account store exists (below); the index guard restores accounts before records.
    let restoreAccountsLater: () => Promise<unknown> = async () => undefined;
    let resizer: ResizerRole | undefined;
    const guard = new IndexGuard(
      { redis, index, store, logger },
      {
        checkIntervalMs: config.indexCheckSeconds * 1000,
        owner: `${hostname()}-${process.pid}`,
        restoreFirst: () => restoreAccountsLater(),
        // Images that were `processing` lost their jobs with the index: the sweep gives them back.
        onRebuilt: () => void resizer?.sweep().catch((err: unknown) => logger.warn({ err }, 'repair sweep after the rebuild failed')),
      },
    );
    cleanups.push(() => guard.stop());
    telemetry.meter
      .createObservableGauge('imgsvc_index_intact', {
        description: '1 while the Redis image index is known complete; 0 while it is lost or being rebuilt from storage',
      })
      .addCallback((result) => result.observe(guard.currentState === 'intact' ? 1 : 0));
    const access: AccessParts = await composeAccess({
      config,
      redis,
      store,
      index,
      dataDir,
      logger,
      // While the index is lost or being rebuilt, the manifests answer.
      lookup: async (id) => (await index.get(id)) ?? ((await guard.confirmIntact()) ? undefined : manifestOrNothing(store, id)),
    });
    restoreAccountsLater = async () => {
      await restoreAccounts({ store, redis, accounts: access.accounts, grants: access.grants, logger });
      await restoreSharing({ store, redis, logger });
      await restoreWebhooks({ store, redis, logger });
    };
    guard.start();
    cleanups.push(() => access.bus.stop());
    const bootstrap = await bootstrapAdmin({ redis, store, accounts: access.accounts, dataDir, configuredKey: config.bootstrapAdminKey, logger });
    if (bootstrap.token) await adoptOwnerless(store, index, bootstrap.adminId, logger);
    options.onBootstrap?.(bootstrap);
    const recorder = new RequestRecorder(redis, logger, telemetry.meter, {
      retentionDays: config.analyticsRetentionDays,
      enabled: config.analytics === 'on',
      hasher: await ViewerHasher.open(redis),
    });
    recorder.start();
    cleanups.push(() => recorder.stop());

    const webhooks = { endpoints: new EndpointStore(redis, store), box: await loadSecretBox(config.webhookSecretKey, dataDir) };
    // One budget for every transform in this process, eager and on demand alike.
    const budget = new MemoryBudget(config.transformMemoryBudget);
    if (config.role === 'all' || config.role === 'resizer') {
      const started = await startResizer({ config, redis, index, writer: access.writer, store, telemetry, logger, budget, confirmIntact: () => guard.confirmIntact() });
      resizer = started;
      cleanups.push(() => started.stop(config.shutdownTimeoutMs));
      // The resizer role also erases what has sat in the trash past IMGSVC_ERASE_AFTER.
      const sweeps = startEraseSweeps(
        { redis, index, store, bus: access.bus, logger, analyticsRetentionDays: config.analyticsRetentionDays, eraseAfterSeconds: config.eraseAfterSeconds, events },
        config.eraseSweepSeconds,
      );
      cleanups.push(async () => sweeps.stop());
      // And turns comments into notifications, from the event stream.
      const feed = startNotificationFeed({
        redis,
        comments: new Comments(redis, store, events),
        notifications: notificationsFor(redis, config),
        lookup: (id) => index.get(id),
        logger,
        reclaimIdleMs: config.notificationReclaimSeconds * 1000,
        applyDelayMs: config.notificationApplyDelayMs,
      });
      cleanups.push(() => feed.stop());
      // Webhook delivery is background work too: it runs where the resizer runs.
      const delivering = await startWebhooks({ config, redis, logger, meter: telemetry.meter, ...webhooks });
      cleanups.push(() => delivering.stop(config.shutdownTimeoutMs));
    }

    let accepting = true;
    const work = new WorkTracker();
    const records = new RecordCache(index, store, { indexIntact: () => guard.confirmIntact() });
    const recordFallback = async (id: string) => ((await guard.confirmIntact()) ? undefined : manifestOrNothing(store, id));
    access.bus.on('image', (id) => records.delete(id));
    access.bus.onFlush(() => records.clear());
    const app = buildApp({
      work,
      config,
      logger,
      redis,
      store,
      index,
      records,
      telemetry,
      httpMetrics,
      recorder,
      tmpDir,
      decodeConcurrency: availableParallelism(),
      probeTimeoutSeconds: PROBE_TIMEOUT_SECONDS,
      isAccepting: () => accepting,
      access,
      events,
      webhooks,
      recordFallback,
      roleChecks: (): Record<string, CheckResult> => (resizer ? { resizer: resizer.worker.health() } : {}),
    });
    const servesImages = config.role === 'all' || config.role === 'origin';
    const images = servesImages ? createPublicImages({ config, store, records, recorder, httpMetrics, telemetry, work, logger, access, redis, budget }) : undefined;
    const server = createServer(
      {
        // Uploads of large originals over slow links need time; idle keep-alive outlives a typical LB's 60 s.
        requestTimeout: 300_000,
        headersTimeout: 30_000,
        keepAliveTimeout: 65_000,
      },
      (req, res) => {
        if (!images?.(req, res)) app(req, res);
      },
    );
    await listen(server, config.port, config.host);
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, role: config.role, dataDir }, 'imgsvc listening');

    let stopping: Promise<void> | undefined;
    return {
      url,
      port,
      config,
      redisUrl,
      redis,
      store,
      recorder,
      logger,
      resizer,
      access,
      bootstrap,
      routes: [...listRoutes(app), ...(images ? PUBLIC_IMAGE_ROUTES : [])].sort(),
      stop: () =>
        (stopping ??= (async () => {
          accepting = false;
          const deadline = Date.now() + config.shutdownTimeoutMs;
          await drain(server, config.shutdownTimeoutMs);
          if (!(await work.idle(Math.max(0, deadline - Date.now())))) {
            logger.warn({ unfinished: work.size }, 'shutdown timeout: closing with work still running');
          }
          await runCleanups(cleanups, logger);
          logger.info('imgsvc stopped');
        })()),
    };
  } catch (err) {
    await runCleanups(cleanups, logger);
    throw err;
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

/** Stop accepting, let in-flight requests finish within the timeout, then cut what is left. */
async function drain(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  // Keep-alive connections that finish a request while draining are closed as they go idle.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
    clearInterval(idle);
  }
}

async function runCleanups(cleanups: (() => Promise<unknown>)[], logger: Logger): Promise<void> {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (err) {
      logger.warn({ err }, 'error while shutting down');
    }
  }
  cleanups.length = 0;
}
