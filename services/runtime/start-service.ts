import { prepareKeyspace } from '../images/keyspace-meta.js';
import { mkdir } from 'node:fs/promises';
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
import { upgradeLegacySearch } from '../search/legacy-keys.js';
import { RecordCache } from '../images/record-cache.js';
import { evictColdRecords, type ColdResult } from '../images/cold-records.js';
import { warnIfFullCoverageRequired } from '../redis/cluster-coverage.js';
import { applyCompactEncodings, keepCompactEncodings } from '../redis/compact-encodings.js';
import { manifestOrNothing } from '../images/manifest-store.js';
import { composeDurability } from './compose-durability.js';
import { buildApp } from './build-app.js';
import type { ResizerRole } from '../resizer/start-resizer.js';
import { runCleanups, type Cleanup } from './cleanups.js';
import { createHttpServer, drain, listen } from './http-server.js';
import { rebuildFromStorage } from './rebuild-from-storage.js';
import { partsFor } from './role-parts.js';
import { composeSharing } from './sharing-parts.js';
import { startBackground } from './start-background.js';
import type { CheckResult } from '../http/health-routes.js';
import { createTelemetry } from '../telemetry/telemetry.js';
import { createPublicImages } from './public-images.js';
import { openObjectStore } from '../storage/open-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { connectRedis } from './connect-redis.js';
import { sweepTempFiles } from './sweep-temp-files.js';
import { composeAccess, type AccessParts } from './compose-access.js';
import { bootstrapAdmin, type Bootstrap } from '../accounts/bootstrap.js';
import { writeLegacyEventEntries } from '../events/event-log.js';
import { EventSink } from '../events/event-sink.js';
import { adoptOwnerless } from '../images/adopt-ownerless.js';
import { listRoutes } from '../http/list-routes.js';
import { PUBLIC_IMAGE_ROUTES } from '../origin/public-image-handler.js';
import { startTempSweeps, type TempFolder } from './sweep-temp-files.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { EndpointStore } from '../events/webhooks/endpoint-store.js';
import { loadSecretBox } from '../events/webhooks/secret-box.js';

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
  /** One pass of the cold-record eviction now, with `idleDays` (images/cold-records.ts; benches and tests). */
  coldSweep(idleDays: number): Promise<ColdResult>;
  /** Every route this process serves, `METHOD /path` (the access matrix checks it has a row for each). */
  readonly routes: string[];
  /** Stops accepting, drains in-flight requests (bounded), flushes analytics, closes everything. */
  stop(): Promise<void>;
  /** The shutdown steps that ran out of time in the last stop (logged too): empty after a clean one. */
  readonly lateShutdownSteps: readonly string[];
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
  const cleanups: Cleanup[] = [closeRedis];
  const parts = partsFor(config.role);
  try {
    const store = await openObjectStore(config, dataDir);
    // The shard count the install was built with (refused if changed), and the upgrade of a
    // Redis on the layout before sharding, before anything touches the index.
    await prepareKeyspace({ redis, store, logger }, config.redisShards);
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
    writeLegacyEventEntries(config.eventEntries === 'legacy');
    const events = new EventSink(config.eventRetentionMs);
    await applyCompactEncodings(redis, logger);
    const stopKeepingEncodings = keepCompactEncodings(redis, logger);
    cleanups.push(async () => stopKeepingEncodings());
    await warnIfFullCoverageRequired(redis, logger);
    const index = new ImageIndex(redis, events);
    // Records evicted as cold are read from their manifests (images/cold-records.ts).
    index.readColdFrom((id) => manifestOrNothing(store, id));
    const coldSweep = (idleDays: number) => evictColdRecords({ redis, index, store, logger }, { idleDays });
    // Bound once the account store exists (below): a rebuild restores accounts before records.
    let rebuildLater: (onPage: () => Promise<void>) => ReturnType<typeof rebuildFromStorage> = () => Promise.reject(new Error('the index guard started before the account store'));
    let resizer: ResizerRole | undefined;
    const guard = new IndexGuard(
      { redis, index, store, logger },
      {
        checkIntervalMs: config.indexCheckSeconds * 1000,
        owner: `${hostname()}-${process.pid}`,
        rebuild: async (onPage) => (await rebuildLater(onPage)).images,
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
    const durability = composeDurability({ config, redis, index, store, logger, guard });
    const { fallback } = durability;
    cleanups.push(() => fallback.settled());
    const access: AccessParts = await composeAccess({
      config,
      redis,
      store,
      index,
      dataDir,
      logger,
      // A record the index lacks may be one Redis lost: storage answers (and the image is re-adopted).
      lookup: async (id) => (await index.get(id)) ?? fallback.find(id),
      recover: (id) => durability.recover(id),
    });
    rebuildLater = (onPage) => rebuildFromStorage({ store, redis, index, logger, shards: config.redisShards, accounts: access.accounts, grants: access.grants, onPage });
    // An index of the previous search layout is dropped, and its rebuild left to the guard.
    await upgradeLegacySearch(redis, logger);
    guard.start();
    cleanups.push(() => access.bus.stop());
    const bootstrap = await bootstrapAdmin({ redis, store, accounts: access.accounts, dataDir, configuredKey: config.bootstrapAdminKey, logger, passwords: { store: access.passwords, linkTtlMs: config.passwordLinkTtlMs } });
    if (bootstrap.token) await adoptOwnerless(store, index, bootstrap.adminId, logger);
    options.onBootstrap?.(bootstrap);
    const recorder = new RequestRecorder(redis, logger, telemetry.meter, {
      retentionDays: config.analyticsRetentionDays,
      enabled: config.analytics === 'on',
      hasher: await ViewerHasher.open(redis),
    });
    recorder.start();
    cleanups.push(() => recorder.stop());

    const webhooks = { endpoints: new EndpointStore(redis, store, config.redisShards), box: await loadSecretBox(config.webhookSecretKey, dataDir) };
    // One budget for every transform in this process, eager and on demand alike.
    const budget = new MemoryBudget(config.transformMemoryBudget);
    const sharing = composeSharing({ redis, store, events, config });
    if (parts.background) {
      resizer = await startBackground(
        { config, redis, index, store, telemetry, logger, budget, access, sharing, events, webhooks, confirmIntact: () => guard.confirmIntact(), coldSweep },
        cleanups,
      );
    }

    let accepting = true;
    const work = new WorkTracker();
    const records = new RecordCache(index, store, { indexIntact: () => guard.confirmIntact(), fallback: (id) => fallback.find(id) });
    access.bus.on('image', (id) => records.delete(id));
    access.bus.onFlush(() => records.clear());
    const app = buildApp({
      work,
      config,
      parts,
      logger,
      redis,
      store,
      index,
      telemetry,
      httpMetrics,
      recorder,
      tmpDir,
      decodeConcurrency: availableParallelism(),
      probeTimeoutSeconds: PROBE_TIMEOUT_SECONDS,
      isAccepting: () => accepting,
      access,
      sharing,
      events,
      webhooks,
      durability,
      roleChecks: (): Record<string, CheckResult> => (resizer ? { resizer: resizer.worker.health() } : {}),
    });
    const images = parts.publicImages ? createPublicImages({ config, store, records, recorder, httpMetrics, telemetry, work, logger, access, leases: sharing.leases, budget }) : undefined;
    const server = createHttpServer(app, images, config.connectionsPerAddress);
    await listen(server, config.port, config.host);
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    logger.info({ url, role: config.role, dataDir }, 'imgsvc listening');

    let stopping: Promise<void> | undefined;
    const lateSteps: string[] = [];
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
      coldSweep,
      routes: [...listRoutes(app), ...(images ? PUBLIC_IMAGE_ROUTES : [])].sort(),
      lateShutdownSteps: lateSteps,
      stop: () =>
        (stopping ??= (async () => {
          accepting = false;
          const deadline = Date.now() + config.shutdownTimeoutMs;
          await drain(server, config.shutdownTimeoutMs);
          if (!(await work.idle(Math.max(0, deadline - Date.now())))) {
            logger.warn({ unfinished: work.size }, 'shutdown timeout: closing with work still running');
          }
          lateSteps.push(...(await runCleanups(cleanups, logger, Math.max(2_000, config.shutdownTimeoutMs))));
          logger.info('imgsvc stopped');
        })()),
    };
  } catch (err) {
    await runCleanups(cleanups, logger);
    throw err;
  }
}
