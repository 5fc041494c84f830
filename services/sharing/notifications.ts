import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import { DEFAULT_EVENT_RETENTION_MS } from '../events/event-log.js';
import { redisKeys } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { declareStep, stepKeys } from '../redis/steps.js';

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

/** A recipient's notification scripts: every key under the recipient's tag. */
export const notificationSteps = {
  apply: declareStep('notification.apply', 'script', (userId: string) => [
    redisKeys.notificationApplied(userId),
    redisKeys.notificationOpen(userId),
    redisKeys.notifications(userId),
    redisKeys.notificationsUnread(userId),
    redisKeys.notificationData(userId),
  ]),
  readUpTo: declareStep('notification.read-up-to', 'script', (userId: string) => [redisKeys.notifications(userId), redisKeys.notificationsUnread(userId)]),
};

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
    const applied = await runScript<number>(this.redis, 'applyNotification', stepKeys(notificationSteps.apply, recipientId), [
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
    ]);
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
    await runScript(this.redis, 'readNotificationsUpTo', stepKeys(notificationSteps.readUpTo, userId), [id]);
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
