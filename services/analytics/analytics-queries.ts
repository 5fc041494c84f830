import type { Redis } from 'ioredis';
import { badRequest } from '../core/errors.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { pipelineBySlot } from '../redis/slot-pipeline.js';
import { analyticsKeys } from './analytics-keys.js';
import { DAY_MS, dayId, daysBetween, hourId, hoursBetween, HOUR_MS } from './time-buckets.js';

export type Granularity = 'hour' | 'day';

export interface Counts {
  requests: number;
  bytes: number;
  savedBytes: number;
}

export interface ImageStats {
  id: string;
  from: string;
  to: string;
  granularity: Granularity;
  /** Since the image was first served (not limited by retention). */
  allTime: Counts & { byFormat: Record<string, number>; byDevice: Record<string, number>; byVariant: Record<string, number> };
  /** Within [from, to], from the hourly buckets. */
  range: Counts & { distinctViewers: number };
  series: (Counts & { t: string })[];
}

const WINDOWS = { '1h': 1, '24h': 24, '7d': 168 } as const;
export type TopWindow = keyof typeof WINDOWS;

/** Reads what RequestRecorder wrote. All times are UTC; buckets are whole hours. */
export class AnalyticsQueries {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => number = Date.now,
  ) {}

  async imageStats(id: string, query: { from?: string | undefined; to?: string | undefined; granularity?: string | undefined }): Promise<ImageStats> {
    const { from, to, granularity } = parseRange(query, this.now());
    const hours = hoursBetween(from, to);
    const pipeline = this.redis.pipeline();
    pipeline.hgetall(analyticsKeys.image(id));
    for (const h of hours) pipeline.hgetall(analyticsKeys.imageHour(id, hourId(h)));
    pipeline.pfcount(...daysBetween(from, to).map((d) => analyticsKeys.imageViewers(id, dayId(d))));
    const results = (await pipeline.exec()) ?? [];
    const all = (results[0]?.[1] ?? {}) as Record<string, string>;
    const hourly = hours.map((h, i) => ({ t: h, counts: counts((results[i + 1]?.[1] ?? {}) as Record<string, string>) }));
    const viewers = Number(results[results.length - 1]?.[1] ?? 0);

    const buckets = new Map<number, Counts>();
    for (const { t, counts: c } of hourly) {
      const start = granularity === 'day' ? Math.floor(t / DAY_MS) * DAY_MS : t;
      const b = buckets.get(start) ?? { requests: 0, bytes: 0, savedBytes: 0 };
      b.requests += c.requests;
      b.bytes += c.bytes;
      b.savedBytes += c.savedBytes;
      buckets.set(start, b);
    }
    const series = [...buckets].map(([t, c]) => ({ t: new Date(t).toISOString(), ...c }));
    const range = series.reduce((a, b) => ({ requests: a.requests + b.requests, bytes: a.bytes + b.bytes, savedBytes: a.savedBytes + b.savedBytes }), { requests: 0, bytes: 0, savedBytes: 0 });
    return {
      id,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      granularity,
      allTime: { ...counts(all), byFormat: prefixed(all, 'fmt:'), byDevice: prefixed(all, 'dev:'), byVariant: prefixed(all, 'var:') },
      range: { ...range, distinctViewers: viewers },
      series,
    };
  }

  /** The most requested (or most bytes) images over the last hour bucket, 24 or 168 of them. */
  async top(query: { window?: string | undefined; by?: string | undefined; limit?: string | undefined }): Promise<{ window: TopWindow; by: 'requests' | 'bytes'; images: { id: string; value: number }[] }> {
    const window = (query.window ?? '24h') as TopWindow;
    if (!(window in WINDOWS)) throw badRequest('invalid_parameter', `expected one of ${Object.keys(WINDOWS).join(', ')} for window but received ${JSON.stringify(query.window)}`);
    const by = (query.by ?? 'requests') as 'requests' | 'bytes';
    if (by !== 'requests' && by !== 'bytes') throw badRequest('invalid_parameter', `expected requests or bytes for by but received ${JSON.stringify(query.by)}`);
    const limit = query.limit === undefined ? 10 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw badRequest('invalid_parameter', `expected an integer from 1 to 1000 for limit but received ${JSON.stringify(query.limit)}`);
    const now = this.now();
    const keys = Array.from({ length: WINDOWS[window] }, (_, i) => analyticsKeys.top(hourId(now - i * HOUR_MS), by));
    const dest = `${analyticsKeys.top(hourId(now), by)}:union:${window}`;
    // The union is kept a few seconds, so a dashboard polling the same window costs one union.
    const reply = (await this.redis
      .multi()
      .zunionstore(dest, keys.length, ...keys)
      .expire(dest, 10)
      .zrevrange(dest, 0, limit - 1, 'WITHSCORES')
      .exec()) as [Error | null, unknown][];
    const flat = (reply[2]?.[1] ?? []) as string[];
    const images: { id: string; value: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) images.push({ id: flat[i]!, value: Number(flat[i + 1]) });
    return { window, by, images };
  }

  async summary(): Promise<Record<string, unknown>> {
    const [fleet, uploads] = await Promise.all([this.redis.hgetall(analyticsKeys.fleet), countImages(this.redis)]);
    const tiers = prefixed(fleet, 'tier:');
    const served = (tiers.memory ?? 0) + (tiers.storage ?? 0);
    const transforms = tiers.transform ?? 0;
    return {
      ...counts(fleet),
      uploads,
      // Responses served without a transform, out of all image responses from /i/<id>.
      hitRatio: served + transforms > 0 ? served / (served + transforms) : null,
      byTier: tiers,
      byFormat: prefixed(fleet, 'fmt:'),
      byDevice: prefixed(fleet, 'dev:'),
    };
  }
}

function counts(hash: Record<string, string>): Counts {
  return { requests: Number(hash.requests ?? 0), bytes: Number(hash.bytes ?? 0), savedBytes: Number(hash.saved ?? 0) };
}

function prefixed(hash: Record<string, string>, prefix: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) if (field.startsWith(prefix)) out[field.slice(prefix.length)] = Number(value);
  return out;
}

/** `from`/`to` as ISO 8601 or epoch milliseconds; default the last 24 hours; bounded ranges. */
function parseRange(query: { from?: string | undefined; to?: string | undefined; granularity?: string | undefined }, now: number): { from: number; to: number; granularity: Granularity } {
  const granularity = (query.granularity ?? 'hour') as Granularity;
  if (granularity !== 'hour' && granularity !== 'day') throw badRequest('invalid_parameter', `expected hour or day for granularity but received ${JSON.stringify(query.granularity)}`);
  const time = (name: 'from' | 'to', fallback: number) => {
    const text = query[name];
    if (text === undefined) return fallback;
    const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(ms)) throw badRequest('invalid_parameter', `expected an ISO 8601 time or epoch milliseconds for ${name} but received ${JSON.stringify(text)}`);
    return ms;
  };
  const to = time('to', now);
  const from = time('from', to - DAY_MS + 1);
  if (from > to) throw badRequest('invalid_parameter', 'expected from to be before to');
  const maxDays = granularity === 'hour' ? 31 : 92;
  if (to - from > maxDays * DAY_MS) throw badRequest('invalid_parameter', `expected at most ${maxDays} days between from and to at ${granularity} granularity`);
  return { from, to, granularity };
}

/** Images in the index: the shards' id sets summed. */
async function countImages(redis: Redis): Promise<number> {
  const keys = allShards(shardCount()).map((s) => redisKeys.allImages(s));
  const replies = await pipelineBySlot<number>(redis, keys, (p, key) => p.zcard(key));
  return replies.reduce((n, [err, c]) => n + (err ? 0 : Number(c)), 0);
}
