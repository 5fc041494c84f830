import type { Redis } from 'ioredis';
import { allShards } from '../../core/shards.js';
import { timePrefix } from './delivery-id.js';
import { ownerShard, webhookKeys as k, webhookSteps } from './webhook-keys.js';

export const DELIVERY_STATUSES = ['pending', 'failed', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Delivered ones are kept a week, dead letters a month (then their hash expires and listings trim them). */
export const KEEP_MS: Record<'delivered' | 'dead', number> = { delivered: 7 * 86_400_000, dead: 30 * 86_400_000 };

/** One event to one endpoint, as the Redis hash holds it. */
export interface Delivery {
  id: string;
  /** The endpoint's owner: every key of the delivery carries the owner's tag. */
  ownerId: string;
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
// Returns the ids and the owner's earliest due time after the claim (false when none is left).
const CLAIM = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return { ids, first[2] or false }`;

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

export function fromHash(h: Record<string, string>): Delivery | undefined {
  if (!h.id) return undefined;
  const num = (v: string | undefined) => (v === undefined || v === '' ? null : Number(v));
  return {
    id: h.id,
    ownerId: h.ownerId ?? '',
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

/**
 * The durable delivery schedule in Redis, per owner: a hash per delivery, the owner's due set,
 * listings per endpoint, all under the owner's tag; and, per shard, the owners that may have
 * due deliveries (a hint the round-robin reads: its score is never later than the owner's
 * earliest due time, and an owner leaves it only when their due set is empty).
 */
export class DeliveryStore {
  constructor(
    private readonly redis: Redis,
    private readonly shards: number,
  ) {}

  /** Schedules a delivery now unless it exists (the same event handled twice). */
  async schedule(d: Omit<Delivery, 'status' | 'attempts' | 'nextAt' | 'lastAttemptAt' | 'lastStatus' | 'lastError' | 'doneAt'>): Promise<boolean> {
    const full: Delivery = { ...d, status: 'pending', attempts: 0, nextAt: d.windowStart, lastAttemptAt: null, lastStatus: null, lastError: null, doneAt: null };
    const keys = webhookSteps.schedule(d.ownerId, d.id, d.endpointId);
    const fresh = (await this.redis.eval(SCHEDULE, keys.length, ...keys, String(d.windowStart), d.id, ...toHash(full))) === 1;
    // After the due set: a worker that empties the owner's hint re-checks the due set after.
    await this.hint(d.ownerId, d.windowStart);
    return fresh;
  }

  /** Owners whose hint says something is due by `now`, every shard. */
  async readyOwners(now: number, perShard = 500): Promise<string[]> {
    const lists = await Promise.all(allShards(this.shards).map((s) => this.redis.zrangebyscore(k.readyOwners(s), '-inf', now, 'LIMIT', 0, perShard)));
    return lists.flat();
  }

  /** Takes up to `count` of one owner's due deliveries for `leaseMs`, and settles the owner's hint. */
  async claim(ownerId: string, now: number, leaseMs: number, count: number): Promise<string[]> {
    const [ids, first] = (await this.redis.eval(CLAIM, 1, ...webhookSteps.claim(ownerId), String(now), String(now + leaseMs), String(count))) as [string[], string | null];
    await this.settle(ownerId, first === null || first === undefined ? undefined : Number(first));
    return ids;
  }

  /** Deliveries waiting for an attempt or being attempted, summed over the owners in the hints. */
  async scheduledCount(): Promise<number> {
    const owners = await Promise.all(allShards(this.shards).map((s) => this.redis.zrange(k.readyOwners(s), 0, -1)));
    const counts = await Promise.all(owners.flat().map((o) => this.redis.zcard(k.due(o))));
    return counts.reduce((a, b) => a + b, 0);
  }

  async get(ownerId: string, id: string): Promise<Delivery | undefined> {
    return fromHash(await this.redis.hgetall(k.delivery(ownerId, id)));
  }

  /** Records an attempt's result: moves it between listings and reschedules or finishes it. */
  async record(d: Delivery, previous: DeliveryStatus): Promise<void> {
    const [key, due, all, from, to] = webhookSteps.record(d.ownerId, d.id, d.endpointId, previous, d.status) as [string, string, string, string, string];
    const tx = this.redis.multi().hset(key, ...toHash(d));
    if (previous !== d.status) tx.zrem(from, d.id).zadd(to, 0, d.id);
    const finished = d.status === 'delivered' || d.status === 'dead';
    if (finished) {
      tx.zrem(due, d.id).pexpire(key, KEEP_MS[d.status as 'delivered' | 'dead']);
      // Listings lose what has outlived its hash, oldest first (ids sort by event time).
      const now = Date.now();
      tx.zremrangebylex(to, '-', `(${timePrefix(now - KEEP_MS[d.status as 'delivered' | 'dead'])}`);
      tx.zremrangebylex(all, '-', `(${timePrefix(now - KEEP_MS.dead)}`);
    } else {
      tx.zadd(due, d.nextAt ?? Date.now(), d.id);
    }
    await tx.exec();
    if (!finished) await this.hint(d.ownerId, d.nextAt ?? Date.now());
  }

  /** A dead letter back to pending, due now, with a new retry window; false if it was not dead. */
  async retry(d: Delivery, now: number): Promise<boolean> {
    const keys = webhookSteps.retry(d.ownerId, d.id, d.endpointId);
    const done = (await this.redis.eval(RETRY, keys.length, ...keys, String(now), d.id)) === 1;
    if (done) await this.hint(d.ownerId, now);
    return done;
  }

  /** Forgets a delivery (its endpoint was deleted). */
  async drop(d: Delivery): Promise<void> {
    const [key, due, all, listing] = webhookSteps.drop(d.ownerId, d.id, d.endpointId, d.status) as [string, string, string, string];
    await this.redis.multi().del(key).zrem(due, d.id).zrem(all, d.id).zrem(listing, d.id).exec();
  }

  /**
   * A page of an endpoint's deliveries, newest first: older than `after`, or newer than
   * `before`. Ids whose hash has expired are trimmed from the listing as they are met.
   */
  async page(ownerId: string, endpointId: string, status: DeliveryStatus | undefined, limit: number, cursor: { dir: 'after' | 'before'; id: string } | undefined): Promise<{ items: Delivery[]; nextAfter: string | undefined; prevBefore: string | undefined }> {
    const list = k.deliveries(ownerId, endpointId, status);
    let ids: string[];
    if (cursor?.dir === 'before') ids = (await this.redis.zrangebylex(list, `(${cursor.id}`, '+', 'LIMIT', 0, limit + 1)).reverse();
    else ids = await this.redis.zrevrangebylex(list, cursor ? `(${cursor.id}` : '+', '-', 'LIMIT', 0, limit + 1);
    const more = ids.length > limit;
    const shown = cursor?.dir === 'before' ? ids.slice(more ? 1 : 0) : ids.slice(0, limit);
    const found = await Promise.all(shown.map((id) => this.get(ownerId, id)));
    const gone = shown.filter((_, i) => found[i] === undefined);
    if (gone.length > 0) await this.redis.zrem(list, ...gone);
    const items = found.filter((d): d is Delivery => d !== undefined);
    const nextAfter = cursor?.dir === 'before' || more ? shown[shown.length - 1] : undefined;
    const prevBefore = cursor !== undefined && (cursor.dir === 'after' || more) ? shown[0] : undefined;
    return { items, nextAfter, prevBefore };
  }

  /**
   * Takes in a delivery as it was (moving it from an older layout): its hash with what is left
   * of its lifetime, its listings, and its due time if it is still to be attempted.
   */
  async adopt(d: Delivery, dueAt: number | undefined, ttlMs: number | undefined): Promise<void> {
    const [key, due, all, , listing] = webhookSteps.record(d.ownerId, d.id, d.endpointId, d.status, d.status) as [string, string, string, string, string];
    const tx = this.redis.multi().hset(key, ...toHash(d)).zadd(all, 0, d.id).zadd(listing, 0, d.id);
    if (ttlMs !== undefined && ttlMs > 0) tx.pexpire(key, ttlMs);
    if (dueAt !== undefined) tx.zadd(due, dueAt, d.id);
    await tx.exec();
    if (dueAt !== undefined) await this.hint(d.ownerId, dueAt);
  }

  /** Lowers the owner's hint to `at` (or adds it): something of theirs is due then. */
  private async hint(ownerId: string, at: number): Promise<void> {
    await this.redis.zadd(k.readyOwners(ownerShard(ownerId, this.shards)), 'LT', at, ownerId);
  }

  /**
   * Sets the owner's hint to their earliest due time after a claim (or removes it), then reads
   * the due set again: a delivery scheduled meanwhile either is seen here or lowers the hint
   * after this wrote it, so no owner with due work is ever left out of the hints.
   */
  private async settle(ownerId: string, earliest: number | undefined): Promise<void> {
    const key = k.readyOwners(ownerShard(ownerId, this.shards));
    if (earliest === undefined) await this.redis.zrem(key, ownerId);
    else await this.redis.zadd(key, earliest, ownerId);
    const again = await this.redis.zrange(k.due(ownerId), 0, 0, 'WITHSCORES');
    if (again.length === 2 && (earliest === undefined || Number(again[1]) < earliest)) await this.redis.zadd(key, 'LT', again[1]!, ownerId);
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
