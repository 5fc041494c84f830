import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Principal } from '../accounts/principal.js';
import { assertScope, requireScope } from '../access/authenticate-request.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { parseBody } from '../http/parse-body.js';
import { redisKeys } from '../redis/keys.js';
import { queryDigest } from './cursor.js';
import { pageMembers } from './member-pages.js';
import { notificationOperations } from './notification-operations.js';
import type { Notification, Notifications } from './notifications.js';
import { cursorOf, limitOf, pageCursors } from './page-params.js';

export interface NotificationRouteDeps {
  redis: Redis;
  notifications: Notifications;
  guard: ImageGuard;
  ring: KeyRing;
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
  router.get('/v1/me/notifications', requireScope('images:read'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:read');
    const digest = queryDigest({ notifications: p.userId });
    const page = await pageMembers(deps.redis, redisKeys.notifications(p.userId), { limit: limitOf(req), cursor: cursorOf(req, deps.ring, digest) }, async (ids) =>
      (await visibleOnly(deps.guard, p, await deps.notifications.many(p.userId, ids))).map((n) => ({ member: n.id, item: n })),
    );
    res.setHeader('Cache-Control', 'private, no-store').json({ items: page.items, unreadCount: await unreadCount(p), ...pageCursors(deps.ring, digest, page) });
  });

  router.post('/v1/me/notifications/read', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const body = parseBody(notificationOperations.markRead.body, req.body);
    if (body.ids) await deps.notifications.markRead(p.userId, body.ids);
    else if (body.upTo) await deps.notifications.markReadUpTo(p.userId, body.upTo);
    else await deps.notifications.markAllRead(p.userId);
    res.setHeader('Cache-Control', 'no-store').json({ unreadCount: await unreadCount(p) });
  });

  return router;
}
