import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { newImageId } from '../core/ids.js';
import { EventConsumer } from '../events/event-consumer.js';
import type { ImgsvcEvent } from '../events/event-types.js';
import type { ImageRecord } from '../images/image-record.js';
import type { Comments } from './comments.js';
import type { Notifications } from './notifications.js';

export const NOTIFICATIONS_GROUP = 'notifications';

export interface NotificationFeedDeps {
  redis: Redis;
  comments: Comments;
  notifications: Notifications;
  lookup: (id: string) => Promise<ImageRecord | undefined>;
  logger: Logger;
  reclaimIdleMs: number;
  /** Testing only: a pause before each recipient's update. */
  applyDelayMs?: number;
}

/** Who a new comment notifies: the image's owner and everyone who commented on it before, never its author. */
export function recipientsOf(ownerId: string, earlierCommenters: string[], authorId: string): string[] {
  return [...new Set([ownerId, ...earlierCommenters])].filter((u) => u !== '' && u !== authorId);
}

/** Applies a round of events; every step is idempotent per (event, recipient), so a redelivered round is harmless. */
export async function applyEvents(deps: NotificationFeedDeps, events: ImgsvcEvent[]): Promise<void> {
  for (const e of events) {
    if (e.type !== 'comment.created' || !e.imageId) continue;
    const commentId = String(e.data.commentId ?? '');
    const authorId = String(e.data.authorId ?? e.actorId ?? '');
    const image = await deps.lookup(e.imageId);
    // An erased or trashed image, or a comment already deleted: nobody is told.
    if (!image || image.deletedAt !== undefined || !(await deps.comments.get(e.imageId, commentId))) continue;
    const eventMs = Date.parse(e.occurredAt);
    for (const recipient of recipientsOf(image.ownerId, await deps.comments.commentersUntil(e.imageId, eventMs), authorId)) {
      if (deps.applyDelayMs) await new Promise((r) => setTimeout(r, deps.applyDelayMs));
      // Stream ids are unique per shard only: the comment id (unique) keys the dedup.
      await deps.notifications.apply(recipient, { eventId: `${e.id}/${commentId}`, eventMs, imageId: e.imageId, commentId, authorId, newId: newImageId(eventMs) });
    }
  }
}

/**
 * The consumer of the event stream that turns comments into notifications (group
 * `notifications`, run by the resizer role). Events are acknowledged only after they are applied
 * (EventConsumer), so a crash loses none; applying twice counts once (Notifications.apply).
 */
export function startNotificationFeed(deps: NotificationFeedDeps): { stop(): Promise<void> } {
  const reader = deps.redis.duplicate({ connectionName: 'imgsvc-notifications-reader' });
  reader.on('error', () => undefined); // the main connection already logs Redis trouble
  const consumer = new EventConsumer(deps.redis, reader, {
    group: NOTIFICATIONS_GROUP,
    consumer: `${hostname()}-${process.pid}`,
    reclaimIdleMs: deps.reclaimIdleMs,
  });
  const controller = new AbortController();
  const running = consumer.run((events) => applyEvents(deps, events), controller.signal, (err) => deps.logger.warn({ err }, 'notification feed round failed; its events stay pending and are retried'));
  deps.logger.info({ group: NOTIFICATIONS_GROUP }, 'notification feed started');
  return {
    stop: async () => {
      controller.abort();
      reader.disconnect();
      await running;
    },
  };
}
