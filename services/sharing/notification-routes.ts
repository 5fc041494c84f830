import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Principal } from '../accounts/principal.js';
import type { AccountStore } from '../accounts/account-store.js';
import { peopleByIds } from '../accounts/people.js';
import { route } from '../access/api-route.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { redisKeys } from '../redis/keys.js';
import { queryDigest } from '../http/cursor.js';
import { pageMembers } from './member-pages.js';
import { notificationOperations as ops } from './notification-operations.js';
import type { Notification, Notifications } from './notifications.js';
import { pageCursors, pageRequest } from '../http/page-params.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

export interface NotificationRouteDeps {
  redis: Redis;
  notifications: Notifications;
  guard: ImageGuard;
  ring: KeyRing;
  accounts: AccountStore;
}

/** Keeps what the caller may still see, asking the guard once per image. */
async function visibleOnly(guard: ImageGuard, p: Principal, items: Notification[]): Promise<Notification[]> {
  const seen = new Map<string, Promise<boolean>>();
  const sees = (imageId: string) => {
    let s = seen.get(imageId);
    if (!s) seen.set(imageId, (s = guard.visible(p, imageId).then((r) => r !== undefined)));
    return s;
  };
  const keep = await Promise.all(items.map((n) => sees(n.imageId)));
  return items.filter((_n, i) => keep[i]);
}

/** The caller's own notifications; those about images they may no longer see are left out when read. */
export function notificationRoutes(deps: NotificationRouteDeps): Router {
  const router = Router();

  const unreadCount = async (p: Principal & { kind: 'user' }) =>
    (await visibleOnly(deps.guard, p, await deps.notifications.many(p.userId, await deps.notifications.unreadIds(p.userId)))).length;

  // Newest batch first.
  route(router, ops.list, async ({ res, principal: p, query }) => {
    const digest = queryDigest({ notifications: p.userId });
    const page = await pageMembers(deps.redis, redisKeys.notifications(p.userId), pageRequest(query, deps.ring, digest), async (ids) => {
      const items = await visibleOnly(deps.guard, p, await deps.notifications.many(p.userId, ids));
      const people = await peopleByIds(deps.accounts, items.flatMap((n) => n.latest.map((l) => l.authorId)));
      return items.map((n) => ({ member: n.id, item: { ...n, latest: n.latest.map((l) => ({ ...l, author: people.get(l.authorId) ?? null })) } }));
    });
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json({ items: page.items, unreadCount: await unreadCount(p), ...pageCursors(deps.ring, digest, page) });
  });

  route(router, ops.markRead, async ({ res, principal: p, body }) => {
    if (body.upTo) await deps.notifications.markReadUpTo(p.userId, body.upTo);
    else {
      // Only what the reader can see now: a notification about an image they lost access to
      // stays unread, and is news again if access comes back.
      const wanted = body.ids ?? (await deps.notifications.unreadIds(p.userId));
      const visible = await visibleOnly(deps.guard, p, await deps.notifications.many(p.userId, wanted));
      await deps.notifications.markRead(p.userId, visible.map((n) => n.id));
    }
    res.setHeader('Cache-Control', 'no-store').json({ unreadCount: await unreadCount(p) });
  });

  return router;
}
