import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import type { Redis } from 'ioredis';
import { RequestRecorder } from '../analytics/request-recorder.js';
import { ViewerHasher } from '../analytics/viewer-hash.js';
import type { Config } from '../core/config.js';
import { createLogger, type Logger } from '../core/logger.js';
import { MemoryBudget } from '../core/memory-budget.js';
import { WorkTracker } from '../core/work-tracker.js';
import { createHttpMetrics } from '../http/http-metrics.js';
import { ImageIndex } from '../images/image-index.js';
import { RecordCache } from '../images/record-cache.js';
import { buildApp } from '../http/build-app.js';
import { createTelemetry } from '../telemetry/telemetry.js';
import { createPublicImages } from './public-images.js';
import { openObjectStore } from '../storage/open-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { startResizer, type ResizerRole } from '../resizer/start-resizer.js';
import { connectRedis } from './connect-redis.js';
import { sweepTempFiles } from './sweep-temp-files.js';

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

/** Bound on the upload's validation decode of untrusted bytes. */
const PROBE_TIMEOUT_SECONDS = 10;

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

  const { redis, url: redisUrl, close: closeRedis } = await connectRedis(config, dataDir, logger, 'main');
  const cleanups: (() => Promise<unknown>)[] = [closeRedis];
  try {

    const store = await openObjectStore(config, dataDir);
    const telemetry = createTelemetry({ role: config.role });
    cleanups.push(() => telemetry.shutdown());
    const httpMetrics = createHttpMetrics(telemetry.fast);
    const index = new ImageIndex(redis);
    const recorder = new RequestRecorder(redis, logger, telemetry.meter, {
      retentionDays: config.analyticsRetentionDays,
      enabled: config.analytics === 'on',
      hasher: await ViewerHasher.open(redis),
    });
    recorder.start();
    cleanups.push(() => recorder.stop());

    // One budget for every transform in this process, eager and on demand alike.
    const budget = new MemoryBudget(config.transformMemoryBudget);
    let resizer: ResizerRole | undefined;
    if (config.role === 'all' || config.role === 'resizer') {
      const started = await startResizer({ config, redis, index, store, telemetry, logger, budget });
      resizer = started;
      cleanups.push(() => started.stop(config.shutdownTimeoutMs));
    }

    let accepting = true;
    const work = new WorkTracker();
    const records = new RecordCache(index, store);
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
    });
    const servesImages = config.role === 'all' || config.role === 'origin';
    const images = servesImages ? createPublicImages({ config, store, records, recorder, httpMetrics, telemetry, work, logger, budget }) : undefined;
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
