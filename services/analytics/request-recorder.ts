import type { Meter } from '@opentelemetry/api';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { analyticsKeys } from './analytics-keys.js';
import { dayId, hourId, HOUR_MS } from './time-buckets.js';
import { keptUserAgent } from './viewer-agent.js';
import type { ViewerHasher } from './viewer-hash.js';
import { SlotBatch } from '../redis/slot-pipeline.js';

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
  /**
   * imageId, format, deviceClass and variant in one string that stands for them one to one,
   * when the caller keeps one already (the serving path's choice memo): events are folded by it
   * as they arrive, and a string reused across hits is hashed once, not built and hashed per hit.
   */
  group?: string;
}

/** Identical events (same image, hour, format, device, variant, tier) folded into one. */
interface Group {
  /** What the group's events share (copied from the first: the event itself holds its User-Agent, up to 16 KB). */
  e: Pick<ServedEvent, 'imageId' | 'format' | 'deviceClass' | 'variant' | 'tier'>;
  at: number;
  requests: number;
  bytes: number;
  saved: number;
  /** Viewers seen: address → the User-Agents (as kept) seen from it. */
  viewers: Map<string, Set<string>>;
}

/** hour number → tier → group key → group. */
type Pending = Map<number, Map<string, Map<string, Group>>>;

/** The group of an event (see ServedEvent.group): NUL cannot occur in an id, a format, a device class or a variant name. */
export function analyticsGroup(imageId: string, format: string | undefined, deviceClass: string | undefined, variant: string | undefined): string {
  return `${imageId}\u0000${format}\u0000${deviceClass}\u0000${variant}`;
}
const groupKey = (e: ServedEvent) => analyticsGroup(e.imageId, e.format, e.deviceClass, e.variant);

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
 * Records every image request without making a response wait on Redis: `record` folds the
 * event into its group (same image, hour, format, device, variant, tier: traffic is mostly
 * repeats) within a bounded count of events; a timer writes the groups as one pipelined
 * batch (per-image totals and breakdowns, hourly buckets, hourly top lists, daily
 * distinct-viewer HyperLogLogs, fleet totals), with retention TTLs. When Redis is slow or
 * down, the buffer stays bounded and what is lost is counted, never silently dropped.
 */
export class RequestRecorder {
  /** Events are folded into their group as they arrive: a hit costs a few map lookups and additions. */
  private pending: Pending = new Map();
  private pendingEvents = 0;
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
    if (this.pendingEvents >= this.maxPendingEvents) {
      this.dropped.add(1, { reason: 'buffer_full' });
      return;
    }
    this.pendingEvents++;
    const at = this.now();
    const hour = Math.floor(at / HOUR_MS);
    let tiers = this.pending.get(hour);
    if (!tiers) this.pending.set(hour, (tiers = new Map()));
    const tier = event.tier ?? '';
    let groups = tiers.get(tier);
    if (!groups) tiers.set(tier, (groups = new Map()));
    const key = event.group ?? groupKey(event);
    let g = groups.get(key);
    if (!g) {
      const { imageId, format, deviceClass, variant } = event;
      groups.set(key, (g = { e: { imageId, format, deviceClass, variant, tier: event.tier }, at, requests: 0, bytes: 0, saved: 0, viewers: new Map() }));
    }
    g.requests++;
    g.bytes += event.bytes;
    g.saved += event.saved ?? 0;
    if (event.address !== undefined) {
      const userAgent = keptUserAgent(event.userAgent) ?? '';
      const agents = g.viewers.get(event.address);
      if (agents) agents.add(userAgent);
      else g.viewers.set(event.address, new Set([userAgent]));
    }
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
    if (this.pendingEvents > 0) await this.flush();
  }

  private async write(): Promise<void> {
    if (this.pendingEvents === 0) return;
    const pending = this.pending;
    const eventCount = this.pendingEvents;
    this.pending = new Map();
    this.pendingEvents = 0;
    // One pipeline per slot: a cluster refuses a pipeline that spans nodes.
    const batch = new SlotBatch(this.redis);
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

    const hashed = new Map<string, string>();
    for (const { e, at, requests, bytes, saved, viewers: seen } of allGroups(pending)) {
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
        for (const [address, agents] of seen) {
          for (const userAgent of agents) {
            const cacheKey = `${dayId(at)}\n${address}\n${userAgent}`;
            let hash = hashed.get(cacheKey);
            if (hash === undefined) {
              hash = this.options.hasher.hash(address, userAgent, at);
              hashed.set(cacheKey, hash);
            }
            set.add(hash);
          }
        }
      }
    }

    for (const [key, fields] of incr) for (const [field, n] of fields) batch.on(key).hincrby(key, field, n);
    for (const [key, members] of top) {
      for (const [member, n] of members) if (n > 0) batch.on(key).zincrby(key, n, member);
      expiring.add(key);
    }
    for (const [key, set] of viewers) {
      batch.on(key).pfadd(key, ...set);
      expiring.add(key);
    }
    for (const key of expiring) batch.on(key).expire(key, ttl);

    try {
      const results = await batch.exec();
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0];
      this.flushedEvents.add(eventCount);
    } catch (err) {
      // Re-queueing could double count whatever part of the pipeline did apply; count the loss instead.
      this.dropped.add(eventCount, { reason: 'redis_error' });
      this.logger.warn({ err, events: eventCount }, 'analytics flush failed; events dropped');
    }
  }
}

function* allGroups(pending: Pending): Generator<Group> {
  for (const tiers of pending.values()) for (const groups of tiers.values()) yield* groups.values();
}
