import type { Redis } from 'ioredis';
import { redisKeys } from '../../redis/keys.js';
import { timePrefix } from './delivery-id.js';

export const DELIVERY_STATUSES = ['pending', 'failed', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Delivered ones are kept a week, dead letters a month (then their hash expires and listings trim them). */
export const KEEP_MS: Record<'delivered' | 'dead', number> = { delivered: 7 * 86_400_000, dead: 30 * 86_400_000 };

/** One event to one endpoint, as the Redis hash holds it. */
export interface Delivery {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  /** The exact bytes every attempt sends and signs. */
  body: string;
  status: DeliveryStatus;
  attempts: number;
  /** When its retry window opened (scheduled, or retried by hand), ms. */
  windowStart: number;
  nextAt: number | null;
  lastAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  doneAt: number | null;
}

const SCHEDULE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], 0, ARGV[2])
redis.call('ZADD', KEYS[4], 0, ARGV[2])
return 1`;

// Claimed ones are pushed a lease ahead: if this worker dies, they come due again (at least once).
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids`;

const RETRY = `
if redis.call('HGET', KEYS[1], 'status') ~= 'dead' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'pending', 'windowStart', ARGV[1], 'nextAt', ARGV[1], 'doneAt', '')
redis.call('PERSIST', KEYS[1])
redis.call('ZADD', KEYS[2], ARGV[1], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZADD', KEYS[4], 0, ARGV[2])
return 1`;

function toHash(d: Delivery): string[] {
  return Object.entries(d).flatMap(([k, v]) => [k, v === null ? '' : String(v)]);
}

function fromHash(h: Record<string, string>): Delivery | undefined {
  if (!h.id) return undefined;
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    id: h.id,
    endpointId: h.endpointId ?? '',
    eventId: h.eventId ?? '',
    eventType: h.eventType ?? '',
    body: h.body ?? '',
    status: (h.status ?? 'pending') as DeliveryStatus,
    attempts: Number(h.attempts ?? 0),
    windowStart: Number(h.windowStart ?? 0),
    nextAt: num(h.nextAt),
    lastAttemptAt: num(h.lastAttemptAt),
    lastStatus: num(h.lastStatus),
    lastError: h.lastError || null,
    doneAt: num(h.doneAt),
  };
}

/** The durable delivery schedule in Redis: a hash per delivery, a due-time set, listings per endpoint. */
export class DeliveryStore {
  constructor(private readonly redis: Redis) {}

  /** Schedules a delivery now unless it exists (the same event handled twice). */
  async schedule(d: Omit<Delivery, 'status' | 'attempts' | 'nextAt' | 'lastAttemptAt' | 'lastStatus' | 'lastError' | 'doneAt'>): Promise<boolean> {
    const full: Delivery = { ...d, status: 'pending', attempts: 0, nextAt: d.windowStart, lastAttemptAt: null, lastStatus: null, lastError: null, doneAt: null };
    const keys = [redisKeys.webhookDelivery(d.id), redisKeys.webhookDue, redisKeys.webhookDeliveries(d.endpointId), redisKeys.webhookDeliveries(d.endpointId, 'pending')];
    return (await this.redis.eval(SCHEDULE, keys.length, ...keys, String(d.windowStart), d.id, ...toHash(full))) === 1;
  }

  /** Takes up to `count` due deliveries for `leaseMs`. */
  async claim(now: number, leaseMs: number, count: number): Promise<string[]> {
    return (await this.redis.eval(CLAIM, 1, redisKeys.webhookDue, String(now), String(now + leaseMs), String(count))) as string[];
  }

  async get(id: string): Promise<Delivery | undefined> {
    return fromHash(await this.redis.hgetall(redisKeys.webhookDelivery(id)));
  }

  /** Records an attempt's result: moves it between listings and reschedules or finishes it. */
  async record(d: Delivery, previous: DeliveryStatus): Promise<void> {
    const key = redisKeys.webhookDelivery(d.id);
    const tx = this.redis.multi().hset(key, ...toHash(d));
    if (previous !== d.status) tx.zrem(redisKeys.webhookDeliveries(d.endpointId, previous), d.id).zadd(redisKeys.webhookDeliveries(d.endpointId, d.status), 0, d.id);
    if (d.status === 'delivered' || d.status === 'dead') {
      tx.zrem(redisKeys.webhookDue, d.id).pexpire(key, KEEP_MS[d.status]);
      // Listings lose what has outlived its hash, oldest first (ids sort by event time).
      const now = Date.now();
      tx.zremrangebylex(redisKeys.webhookDeliveries(d.endpointId, d.status), '-', `(${timePrefix(now - KEEP_MS[d.status])}`);
      tx.zremrangebylex(redisKeys.webhookDeliveries(d.endpointId), '-', `(${timePrefix(now - KEEP_MS.dead)}`);
    } else {
      tx.zadd(redisKeys.webhookDue, d.nextAt ?? Date.now(), d.id);
    }
    await tx.exec();
  }

  /** A dead letter back to pending, due now, with a new retry window; false if it was not dead. */
  async retry(d: Delivery, now: number): Promise<boolean> {
    const keys = [redisKeys.webhookDelivery(d.id), redisKeys.webhookDue, redisKeys.webhookDeliveries(d.endpointId, 'dead'), redisKeys.webhookDeliveries(d.endpointId, 'pending')];
    return (await this.redis.eval(RETRY, keys.length, ...keys, String(now), d.id)) === 1;
  }

  /** Forgets a delivery (its endpoint was deleted). */
  async drop(d: Delivery): Promise<void> {
    await this.redis
      .multi()
      .del(redisKeys.webhookDelivery(d.id))
      .zrem(redisKeys.webhookDue, d.id)
      .zrem(redisKeys.webhookDeliveries(d.endpointId), d.id)
      .zrem(redisKeys.webhookDeliveries(d.endpointId, d.status), d.id)
      .exec();
  }

  /**
   * A page of an endpoint's deliveries, newest first: older than `after`, or newer than
   * `before`. Ids whose hash has expired are trimmed from the listing as they are met.
   */
  async page(endpointId: string, status: DeliveryStatus | undefined, limit: number, cursor: { dir: 'after' | 'before'; id: string } | undefined): Promise<{ items: Delivery[]; nextAfter: string | undefined; prevBefore: string | undefined }> {
    const list = redisKeys.webhookDeliveries(endpointId, status);
    let ids: string[];
    if (cursor?.dir === 'before') ids = (await this.redis.zrangebylex(list, `(${cursor.id}`, '+', 'LIMIT', 0, limit + 1)).reverse();
    else ids = await this.redis.zrevrangebylex(list, cursor ? `(${cursor.id}` : '+', '-', 'LIMIT', 0, limit + 1);
    const more = ids.length > limit;
    const shown = cursor?.dir === 'before' ? ids.slice(more ? 1 : 0) : ids.slice(0, limit);
    const found = await Promise.all(shown.map((id) => this.get(id)));
    const gone = shown.filter((_, i) => found[i] === undefined);
    if (gone.length > 0) await this.redis.zrem(list, ...gone);
    const items = found.filter((d): d is Delivery => d !== undefined);
    const nextAfter = cursor?.dir === 'before' || more ? shown[shown.length - 1] : undefined;
    const prevBefore = cursor !== undefined && (cursor.dir === 'after' || more) ? shown[0] : undefined;
    return { items, nextAfter, prevBefore };
  }
}

/** What the API shows of a delivery: not the body (the event is in the stream and was sent). */
export function publicDelivery(d: Delivery) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: d.id,
    endpointId: d.endpointId,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: d.status === 'pending' || d.status === 'failed' ? iso(d.nextAt) : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    doneAt: iso(d.doneAt),
  };
}
