import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import type { ImageIndex } from '../images/image-index.js';
import type { RecordWriter } from '../images/record-writer.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { JobQueue } from './job-queue.js';
import { repairSweep } from './repair-sweep.js';
import { createResizeMetrics } from './resize-metrics.js';
import { ResizeWorker } from './resize-worker.js';

export interface ResizerRole {
  worker: ResizeWorker;
  queue: JobQueue;
  /** Runs one repair sweep now (also run on start and every IMGSVC_REPAIR_INTERVAL_SECONDS). */
  sweep(): ReturnType<typeof repairSweep>;
  stop(timeoutMs: number): Promise<void>;
}

/** Composes the resizer role: the worker, its metrics, and the periodic repair sweep. */
export async function startResizer(deps: {
  config: Config;
  redis: Redis;
  index: ImageIndex;
  writer: RecordWriter;
  store: ObjectStore;
  telemetry: Telemetry;
  logger: Logger;
  /** Whether the index is known complete right now (images/index-guard.ts). */
  confirmIntact: () => Promise<boolean>;
  budget: MemoryBudget;
}): Promise<ResizerRole> {
  const { config, logger } = deps;
  const queue = new JobQueue(deps.redis);
  let worker: ResizeWorker | undefined;
  const metrics = createResizeMetrics(deps.telemetry.meter, queue, () => worker?.health().ok ?? true);
  const reader = deps.redis.duplicate({ connectionName: 'imgsvc-resize-reader' });
  reader.on('error', () => undefined); // the main connection already logs Redis trouble
  worker = new ResizeWorker(
    queue,
    reader,
    {
      queue,
      index: deps.index,
      writer: deps.writer,
      store: deps.store,
      presets: config.eagerPresets,
      // sharp's own timeout counts whole seconds; the job's deadline (below) is exact.
      limits: { maxPixels: config.maxPixels, timeoutSeconds: Math.max(1, Math.ceil(config.resizeJobTimeoutSeconds)) },
      budget: deps.budget,
      maxDeliveries: config.resizeMaxDeliveries,
      qualitySearch: config.qualitySearch,
      logger,
      onVariant: (preset, format, seconds) => metrics.variantDuration.record(seconds, { preset, format }),
    },
    metrics,
    {
      concurrency: config.resizeConcurrency,
      visibilityTimeoutMs: config.resizeVisibilityTimeoutMs,
      heartbeatTtlMs: config.resizeHeartbeatTtlMs,
      jobTimeoutSeconds: config.resizeJobTimeoutSeconds,
    },
    logger,
  );
  await worker.start();

  const sweep = () =>
    repairSweep(
      { redis: deps.redis, index: deps.index, store: deps.store, queue, logger, confirmIntact: deps.confirmIntact },
      // Short, and renewed page by page: a resizer killed mid-sweep holds the others back 10 s at most.
      { owner: worker.consumer, lockMs: 10_000, orphanSafeAgeMs: config.orphanSafeAgeSeconds * 1000 },
    );
  const runSweep = () =>
    void sweep().catch((err: unknown) => logger.warn({ err }, 'repair sweep failed; it runs again next interval'));
  let sweepTimer: NodeJS.Timeout | undefined;
  const firstSweep = setTimeout(runSweep, 1_000);
  if (config.repairIntervalSeconds > 0) sweepTimer = setInterval(runSweep, config.repairIntervalSeconds * 1000);

  return {
    worker,
    queue,
    sweep,
    stop: async (timeoutMs) => {
      clearTimeout(firstSweep);
      clearInterval(sweepTimer);
      await worker.stop(timeoutMs);
    },
  };
}
