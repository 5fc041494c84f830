import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';

export interface ServedEvent {
  imageId: string;
  bytes: number;
}

interface Totals {
  requests: number;
  bytes: number;
}

export interface RecorderOptions {
  flushIntervalMs?: number;
  /** Distinct images held between flushes; past it, events are dropped and counted. */
  maxPendingImages?: number;
}

/**
 * Counts image requests without ever making a response wait on Redis: `record` only adds to
 * an in-memory tally, and a timer flushes the tally as one pipelined batch. If Redis is slow
 * or down, the tally stays bounded and what cannot be kept or written is counted as dropped.
 */
export class RequestRecorder {
  private pending = new Map<string, Totals>();
  private pendingEvents = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxPendingImages: number;
  private readonly dropped;
  private readonly flushedEvents;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    meter: Meter,
    options: RecorderOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxPendingImages = options.maxPendingImages ?? 100_000;
    this.dropped = meter.createCounter('imgsvc_analytics_events_dropped', {
      description: 'Image request events not recorded in Redis (buffer full or Redis unavailable)',
    });
    this.flushedEvents = meter.createCounter('imgsvc_analytics_events_flushed', {
      description: 'Image request events written to Redis',
    });
  }

  record(event: ServedEvent): void {
    let totals = this.pending.get(event.imageId);
    if (!totals) {
      if (this.pending.size >= this.maxPendingImages) {
        this.dropped.add(1, { reason: 'buffer_full' });
        return;
      }
      totals = { requests: 0, bytes: 0 };
      this.pending.set(event.imageId, totals);
    }
    totals.requests += 1;
    totals.bytes += event.bytes;
    this.pendingEvents += 1;
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Writes what is pending; concurrent calls wait for the same write. */
  flush(): Promise<void> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
    // A flush may have been running when stop was called: write what arrived meanwhile.
    if (this.pending.size > 0) await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    const events = this.pendingEvents;
    this.pending = new Map();
    this.pendingEvents = 0;
    const pipeline = this.redis.pipeline();
    let bytes = 0;
    for (const [imageId, totals] of batch) {
      const key = redisKeys.imageStats(imageId);
      pipeline.hincrby(key, 'requests', totals.requests);
      pipeline.hincrby(key, 'bytes', totals.bytes);
      bytes += totals.bytes;
    }
    pipeline.hincrby(redisKeys.fleetStats, 'requests', events);
    pipeline.hincrby(redisKeys.fleetStats, 'bytes', bytes);
    try {
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      this.flushedEvents.add(events);
    } catch (err) {
      // Re-queueing could double count whatever part of the pipeline did apply; count the loss instead.
      this.dropped.add(events, { reason: 'redis_error' });
      this.logger.warn({ err, events }, 'analytics flush failed; events dropped');
    }
  }
}

export async function readImageTotals(redis: Redis, imageId: string): Promise<Totals> {
  const hash = await redis.hgetall(redisKeys.imageStats(imageId));
  return { requests: Number(hash.requests ?? 0), bytes: Number(hash.bytes ?? 0) };
}
