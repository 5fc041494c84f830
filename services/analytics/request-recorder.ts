import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { analyticsKeys } from './analytics-keys.js';
import { dayId, hourId } from './time-buckets.js';
import { keptUserAgent } from './viewer-agent.js';
import type { ViewerHasher } from './viewer-hash.js';

/** One image request, as the serving path hands it over: references only, no work. */
export interface ServedEvent {
  imageId: string;
  /** Body bytes sent (0 for HEAD and 304). */
  bytes: number;
  /** Original size minus bytes sent, when positive. */
  saved?: number;
  format?: string;
  deviceClass?: string;
  /** The variant's name (`w640-q85`), or `original`. */
  variant?: string;
  /** Where the bytes came from: memory, storage, transform (or download). */
  tier?: string;
  /** Hashed into a daily-salted viewer id at flush time, then dropped; never stored. */
  address?: string | undefined;
  userAgent?: string | undefined;
}

export interface RecorderOptions {
  flushIntervalMs?: number;
  /** Events held between flushes; past it, events are dropped and counted. */
  maxPendingEvents?: number;
  /** Hourly buckets, top lists and viewer sets expire after this many days. */
  retentionDays?: number;
  /** The clock, injectable for tests of hour rollover. */
  now?: () => number;
  /** False turns recording off (IMGSVC_ANALYTICS=off), e.g. to measure what analytics cost. */
  enabled?: boolean;
  hasher?: ViewerHasher;
}

/**
 * Records every image request without making a response wait on Redis: `record` appends the
 * event to a bounded buffer; a timer aggregates the buffer and writes it as one pipelined
 * batch (per-image totals and breakdowns, hourly buckets, hourly top lists, daily
 * distinct-viewer HyperLogLogs, fleet totals), with retention TTLs. When Redis is slow or
 * down, the buffer stays bounded and what is lost is counted, never silently dropped.
 */
export class RequestRecorder {
  private pending: { event: ServedEvent; at: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly flushIntervalMs: number;
  private readonly maxPendingEvents: number;
  private readonly retentionSeconds: number;
  private readonly now: () => number;
  private readonly dropped;
  private readonly flushedEvents;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    meter: Meter,
    private readonly options: RecorderOptions = {},
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? 250;
    this.maxPendingEvents = options.maxPendingEvents ?? 200_000;
    this.retentionSeconds = Math.round((options.retentionDays ?? 30) * 86_400);
    this.now = options.now ?? Date.now;
    this.dropped = meter.createCounter('imgsvc_analytics_events_dropped', {
      description: 'Image request events not recorded in Redis (buffer full or Redis unavailable)',
    });
    this.flushedEvents = meter.createCounter('imgsvc_analytics_events_flushed', {
      description: 'Image request events written to Redis',
    });
    // Exported at 0 from the start, so rate() and alerts work before the first loss.
    this.dropped.add(0, { reason: 'buffer_full' });
    this.dropped.add(0, { reason: 'redis_error' });
    this.flushedEvents.add(0);
  }

  record(event: ServedEvent): void {
    if (this.options.enabled === false) return;
    if (this.pending.length >= this.maxPendingEvents) {
      this.dropped.add(1, { reason: 'buffer_full' });
      return;
    }
    const userAgent = keptUserAgent(event.userAgent);
    this.pending.push({ event: userAgent === event.userAgent ? event : { ...event, userAgent }, at: this.now() });
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
    if (this.pending.length > 0) await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pending.length === 0) return;
    const events = this.pending;
    this.pending = [];
    const pipeline = this.redis.pipeline();
    const ttl = this.retentionSeconds;
    const incr = new Map<string, Map<string, number>>();
    const add = (key: string, field: string, n: number) => {
      if (n === 0) return;
      let fields = incr.get(key);
      if (!fields) incr.set(key, (fields = new Map()));
      fields.set(field, (fields.get(field) ?? 0) + n);
    };
    const expiring = new Set<string>();
    const top = new Map<string, Map<string, number>>();
    const viewers = new Map<string, Set<string>>();

    // First fold identical events (same image, hour, format, device, variant, tier) together:
    // traffic is dominated by repeats, so the per-key work below runs once per group.
    interface Group {
      e: ServedEvent;
      at: number;
      requests: number;
      bytes: number;
      saved: number;
      viewers: Set<string>;
    }
    const groups = new Map<string, Group>();
    for (const { event: e, at } of events) {
      // The hour implies the day.
      const key = `${e.imageId}\u0000${hourId(at)}\u0000${e.format}\u0000${e.deviceClass}\u0000${e.variant}\u0000${e.tier}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { e, at, requests: 0, bytes: 0, saved: 0, viewers: new Set() }));
      g.requests++;
      g.bytes += e.bytes;
      g.saved += e.saved ?? 0;
      if (e.address !== undefined) g.viewers.add(`${e.address}\n${e.userAgent ?? ''}`);
    }

    const hashed = new Map<string, string>();
    for (const { e, at, requests, bytes, saved, viewers: seen } of groups.values()) {
      const hour = hourId(at);
      for (const key of [analyticsKeys.image(e.imageId), analyticsKeys.imageHour(e.imageId, hour), analyticsKeys.fleet, analyticsKeys.fleetHour(hour)]) {
        add(key, 'requests', requests);
        add(key, 'bytes', bytes);
        add(key, 'saved', saved);
      }
      expiring.add(analyticsKeys.imageHour(e.imageId, hour)).add(analyticsKeys.fleetHour(hour));
      for (const key of [analyticsKeys.image(e.imageId), analyticsKeys.fleet, analyticsKeys.fleetHour(hour)]) {
        if (e.format) add(key, `fmt:${e.format}`, requests);
        if (e.deviceClass) add(key, `dev:${e.deviceClass}`, requests);
      }
      if (e.variant) add(analyticsKeys.image(e.imageId), `var:${e.variant}`, requests);
      if (e.tier) {
        add(analyticsKeys.fleet, `tier:${e.tier}`, requests);
        add(analyticsKeys.fleetHour(hour), `tier:${e.tier}`, requests);
      }
      for (const by of ['requests', 'bytes'] as const) {
        const key = analyticsKeys.top(hour, by);
        let members = top.get(key);
        if (!members) top.set(key, (members = new Map()));
        members.set(e.imageId, (members.get(e.imageId) ?? 0) + (by === 'requests' ? requests : bytes));
      }
      if (this.options.hasher && seen.size > 0) {
        const key = analyticsKeys.imageViewers(e.imageId, dayId(at));
        let set = viewers.get(key);
        if (!set) viewers.set(key, (set = new Set()));
        for (const viewer of seen) {
          const cacheKey = `${dayId(at)}\n${viewer}`;
          let hash = hashed.get(cacheKey);
          if (hash === undefined) {
            const cut = viewer.indexOf('\n');
            hash = this.options.hasher.hash(viewer.slice(0, cut), viewer.slice(cut + 1), at);
            hashed.set(cacheKey, hash);
          }
          set.add(hash);
        }
      }
    }

    for (const [key, fields] of incr) for (const [field, n] of fields) pipeline.hincrby(key, field, n);
    for (const [key, members] of top) {
      for (const [member, n] of members) if (n > 0) pipeline.zincrby(key, n, member);
      expiring.add(key);
    }
    for (const [key, set] of viewers) {
      pipeline.pfadd(key, ...set);
      expiring.add(key);
    }
    for (const key of expiring) pipeline.expire(key, ttl);

    try {
      const results = await pipeline.exec();
      const failed = results?.find(([err]) => err);
      if (failed) throw failed[0];
      this.flushedEvents.add(events.length);
    } catch (err) {
      // Re-queueing could double count whatever part of the pipeline did apply; count the loss instead.
      this.dropped.add(events.length, { reason: 'redis_error' });
      this.logger.warn({ err, events: events.length }, 'analytics flush failed; events dropped');
    }
  }
}
