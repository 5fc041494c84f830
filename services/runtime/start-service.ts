import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import express from 'express';
import type { Redis } from 'ioredis';
import { RequestRecorder } from '../analytics/request-recorder.js';
import type { Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { WorkTracker } from '../core/work-tracker.js';
import { errorHandler, notFoundHandler } from '../http/error-handler.js';
import { healthRoutes } from '../http/health-routes.js';
import { createHttpMetrics } from '../http/http-metrics.js';
import { requestContext } from '../http/request-context.js';
import { ImageIndex } from '../images/image-index.js';
import { imageRoutes } from '../images/image-routes.js';
import { RecordCache } from '../images/record-cache.js';
import { originRoutes } from '../origin/origin-routes.js';
import { VariantSource } from '../origin/variant-source.js';
import { startPrivateRedis, type PrivateRedis } from '../redis/private-redis.js';
import { createRedisClient } from '../redis/redis-client.js';
import { FsObjectStore } from '../storage/fs-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { createTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import { createUploadMetrics } from '../upload/upload-metrics.js';
import { uploadRoutes } from '../upload/upload-routes.js';
import { startResizer, type ResizerRole } from '../resizer/start-resizer.js';
import { sweepTempFiles } from './sweep-temp-files.js';
import { waitForRedis } from './wait-for-redis.js';

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
  /** Stops accepting, drains in-flight requests (bounded), flushes analytics, closes everything. */
  stop(): Promise<void>;
}

/** Bounds on decoding untrusted bytes; the validation decode is cheap, a full render less so. */
const PROBE_TIMEOUT_SECONDS = 10;
const RENDER_TIMEOUT_SECONDS = 30;

/**
 * Composes one imgsvc process for its role. Everything it opens is closed by `stop()`, in the
 * reverse order, so tests can run several instances in one process.
 */
export async function startService(config: Config, options: { logger?: Logger } = {}): Promise<ServiceHandle> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const dataDir = resolve(config.dataDir);
  const tmpDir = join(dataDir, 'tmp');
  await mkdir(tmpDir, { recursive: true });
  await sweepTempFiles(tmpDir, logger);

  let privateRedis: PrivateRedis | undefined;
  const redisUrl = config.redisUrl ?? (privateRedis = await startPrivateRedis(join(dataDir, 'redis'))).url;
  const cleanups: (() => Promise<unknown>)[] = [];
  if (privateRedis) {
    const started = privateRedis;
    cleanups.push(() => started.stop());
    logger.info({ redisUrl, dir: join(dataDir, 'redis') }, 'started a private redis-server (set REDIS_URL to use your own)');
  }
  try {
    const redis = createRedisClient(redisUrl, logger, 'main');
    cleanups.push(() => redis.quit().catch(() => redis.disconnect()));
    await waitForRedis(redis, redisUrl, config.redisWaitSeconds * 1000);

    const store = await FsObjectStore.open(join(dataDir, 'objects'));
    const telemetry = createTelemetry({ role: config.role });
    cleanups.push(() => telemetry.shutdown());
    const httpMetrics = createHttpMetrics(telemetry.meter);
    const index = new ImageIndex(redis);
    const recorder = new RequestRecorder(redis, logger, telemetry.meter);
    recorder.start();
    cleanups.push(() => recorder.stop());

    let resizer: ResizerRole | undefined;
    if (config.role === 'all' || config.role === 'resizer') {
      const started = await startResizer({ config, redis, index, store, telemetry, logger });
      resizer = started;
      cleanups.push(() => started.stop(config.shutdownTimeoutMs));
    }

    let accepting = true;
    const work = new WorkTracker();
    const app = buildApp({
      work,
      config,
      logger,
      redis,
      store,
      index,
      telemetry,
      httpMetrics,
      recorder,
      tmpDir,
      isAccepting: () => accepting,
    });
    const server = createServer(
      {
        // Uploads of large originals over slow links need time; idle keep-alive outlives a typical LB's 60 s.
        requestTimeout: 300_000,
        headersTimeout: 30_000,
        keepAliveTimeout: 65_000,
      },
      app,
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

interface AppDeps {
  work: WorkTracker;
  config: Config;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  index: ImageIndex;
  telemetry: Telemetry;
  httpMetrics: ReturnType<typeof createHttpMetrics>;
  recorder: RequestRecorder;
  tmpDir: string;
  isAccepting: () => boolean;
}

function buildApp(deps: AppDeps): express.Express {
  const { config } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(requestContext({ logger: deps.logger, metrics: deps.httpMetrics }));
  app.use(
    healthRoutes({
      redis: deps.redis,
      store: deps.store,
      telemetry: deps.telemetry,
      role: config.role,
      isAccepting: deps.isAccepting,
    }),
  );
  const serves = (role: string) => config.role === 'all' || config.role === role;
  if (serves('upload')) {
    app.use(
      uploadRoutes({
        store: deps.store,
        index: deps.index,
        metrics: createUploadMetrics(deps.telemetry.meter),
        tmpDir: deps.tmpDir,
        maxUploadBytes: config.maxUploadBytes,
        limits: { maxPixels: config.maxPixels, timeoutSeconds: PROBE_TIMEOUT_SECONDS },
        decodeConcurrency: availableParallelism(),
        publicBaseUrl: config.publicBaseUrl,
        work: deps.work,
      }),
    );
  }
  if (serves('upload') || serves('origin')) {
    app.use(imageRoutes({ index: deps.index, publicBaseUrl: config.publicBaseUrl }));
    app.use(
      originRoutes(
        {
          store: deps.store,
          records: new RecordCache(deps.index),
          variants: new VariantSource(deps.store, { maxPixels: config.maxPixels, timeoutSeconds: RENDER_TIMEOUT_SECONDS }),
          recorder: deps.recorder,
          httpMetrics: deps.httpMetrics,
          cacheMaxAgeSeconds: config.cacheMaxAgeSeconds,
          work: deps.work,
        },
        { publicUrls: serves('origin'), downloads: true },
      ),
    );
  }
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
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
