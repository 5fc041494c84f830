import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { DEFAULT_EVENT_RETENTION_MS } from '../events/event-log.js';
import { redisKeys } from '../redis/keys.js';

/** What a recipient is told: comments on one image within one window, counted once each. */
export interface Notification {
  id: string;
  imageId: string;
  /** Comments in this batch. */
  count: number;
  /** The latest comments (newest last, at most LATEST_KEPT), for "Ann, Bob and 8 others". */
  latest: { commentId: string; authorId: string }[];
  firstAt: string;
  lastAt: string;
  read: boolean;
}

/** Stored form: times in ms. */
interface StoredNotification {
  id: string;
  imageId: string;
  count: number;
  latest: { commentId: string; authorId: string }[];
  firstMs: number;
  lastMs: number;
}

/** Each recipient keeps this many notifications; older ones are dropped (notifications are a feed, not an archive). */
export const MAX_NOTIFICATIONS = 500;
export const LATEST_KEPT = 10;

/**
 * Applies one comment event to one recipient, once. The event id is recorded in the
 * recipient's applied set in the same script that counts it, so a redelivery (a consumer killed
 * before it acknowledged) finds it and changes nothing. The batch is chosen by the event's own
 * time, not the clock, so a replay lands where the first delivery would have.
 * KEYS: applied, open, list, unread, data. ARGV: event id, event ms, image id, comment id,
 * author id, id for a new batch, window ms, applied retention ms, max kept, latest kept.
 */
const APPLY = `
local eventMs = tonumber(ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
local t = redis.call('TIME')
local nowMs = tonumber(t[1]) * 1000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs - tonumber(ARGV[8]))
redis.call('ZADD', KEYS[1], eventMs, ARGV[1])
local id = redis.call('HGET', KEYS[2], ARGV[3])
local n
if id then
  local json = redis.call('HGET', KEYS[5], id)
  if json then n = cjson.decode(json) end
end
if n and eventMs >= n.firstMs and eventMs - n.firstMs < tonumber(ARGV[7]) then
  n.count = n.count + 1
  if eventMs > n.lastMs then n.lastMs = eventMs end
else
  id = ARGV[6]
  n = { id = id, imageId = ARGV[3], count = 1, firstMs = eventMs, lastMs = eventMs, latest = {} }
  redis.call('HSET', KEYS[2], ARGV[3], id)
  redis.call('ZADD', KEYS[3], 0, id)
end
table.insert(n.latest, { commentId = ARGV[4], authorId = ARGV[5] })
while #n.latest > tonumber(ARGV[10]) do table.remove(n.latest, 1) end
redis.call('HSET', KEYS[5], id, cjson.encode(n))
redis.call('SADD', KEYS[4], id)
local over = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[9])
if over > 0 then
  for _, old in ipairs(redis.call('ZRANGE', KEYS[3], 0, over - 1)) do
    local json = redis.call('HGET', KEYS[5], old)
    if json then
      local img = cjson.decode(json).imageId
      if redis.call('HGET', KEYS[2], img) == old then redis.call('HDEL', KEYS[2], img) end
    end
    redis.call('HDEL', KEYS[5], old)
    redis.call('SREM', KEYS[4], old)
    redis.call('ZREM', KEYS[3], old)
  end
end
return 1`;

/** Marks read the given ids, or (upTo) every one at or before that id. KEYS: list, unread. */
const READ_UP_TO = `
local ids = redis.call('ZRANGEBYLEX', KEYS[1], '-', '[' .. ARGV[1])
for _, id in ipairs(ids) do redis.call('SREM', KEYS[2], id) end
return #ids`;

/**
 * Notifications live in Redis only, per recipient under one hash tag: the list (ids sort by
 * the batch's first comment), their JSON, the unread set, the batch still open per image and
 * the applied event ids. They are derived from comments, so losing them loses no one's words.
 */
export class Notifications {
  constructor(
    private readonly redis: Redis,
    private readonly o: { windowMs: number; appliedRetentionMs: number },
  ) {}

  /** Returns whether this event was new for this recipient. */
  async apply(recipientId: string, e: { eventId: string; eventMs: number; imageId: string; commentId: string; authorId: string; newId: string }): Promise<boolean> {
    const applied = await this.redis.eval(
      APPLY,
      5,
      redisKeys.notificationApplied(recipientId),
      redisKeys.notificationOpen(recipientId),
      redisKeys.notifications(recipientId),
      redisKeys.notificationsUnread(recipientId),
      redisKeys.notificationData(recipientId),
      e.eventId,
      e.eventMs,
      e.imageId,
      e.commentId,
      e.authorId,
      e.newId,
      this.o.windowMs,
      this.o.appliedRetentionMs,
      MAX_NOTIFICATIONS,
      LATEST_KEPT,
    );
    return applied === 1;
  }

  async many(userId: string, ids: string[]): Promise<Notification[]> {
    if (ids.length === 0) return [];
    const [values, unread] = await Promise.all([this.redis.hmget(redisKeys.notificationData(userId), ...ids), this.redis.smismember(redisKeys.notificationsUnread(userId), ...ids)]);
    return values.flatMap((v, i) => (v ? [toNotification(JSON.parse(v) as StoredNotification, unread[i] !== 1)] : []));
  }

  async unreadIds(userId: string): Promise<string[]> {
    return this.redis.smembers(redisKeys.notificationsUnread(userId));
  }

  async markRead(userId: string, ids: string[]): Promise<void> {
    if (ids.length > 0) await this.redis.srem(redisKeys.notificationsUnread(userId), ...ids);
  }

  async markReadUpTo(userId: string, id: string): Promise<void> {
    await this.redis.eval(READ_UP_TO, 2, redisKeys.notifications(userId), redisKeys.notificationsUnread(userId), id);
  }

  async markAllRead(userId: string): Promise<void> {
    await this.redis.del(redisKeys.notificationsUnread(userId));
  }
}

function toNotification(n: StoredNotification, read: boolean): Notification {
  // cjson encodes an empty table as an object; a batch always holds one comment at least.
  const latest = Array.isArray(n.latest) ? n.latest : [];
  return { id: n.id, imageId: n.imageId, count: n.count, latest, firstAt: new Date(n.firstMs).toISOString(), lastAt: new Date(n.lastMs).toISOString(), read };
}

/** The store as configured: the window, and applied ids kept as long as the stream keeps events (a redelivery cannot be older). */
export function notificationsFor(redis: Redis, config: Pick<Config, 'notificationWindowSeconds'>): Notifications {
  return new Notifications(redis, { windowMs: config.notificationWindowSeconds * 1000, appliedRetentionMs: DEFAULT_EVENT_RETENTION_MS });
}
