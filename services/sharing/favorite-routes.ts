import { Router, type Request } from 'express';
import type { Redis } from 'ioredis';
import { route } from '../access/api-route.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { favoriteOperations as ops } from './favorite-operations.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { queryDigest } from '../http/cursor.js';
import { splitMember, type Favorites } from './favorites.js';
import { pageMembers } from './member-pages.js';
import { pageCursors, pageRequest } from '../http/page-params.js';
import { decodeTime } from 'ulid';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

export interface FavoriteRouteDeps {
  redis: Redis;
  favorites: Favorites;
  guard: ImageGuard;
  ring: KeyRing;
  view: (record: ImageRecord, req: Request) => PublicImage;
}

/** Favorites: whoever may see an image may favorite it; the list shows only what they may still see. */
export function favoriteRoutes(deps: FavoriteRouteDeps): Router {
  const router = Router();

  route(router, ops.add, async ({ res, principal: p, params }) => {
    const record = await deps.guard.view(p, params.id);
    const favorite = await deps.favorites.add(p.userId, record.id);
    res.setHeader('Cache-Control', 'no-store').json({ imageId: record.id, favoritedAt: favorite.favoritedAt, ...(await deps.favorites.state(record.id, p.userId)) });
  });

  // Always 204 for a well-formed id: it touches only the caller's own list and says nothing of the image.
  route(router, ops.remove, async ({ res, principal: p, params }) => {
    await deps.favorites.remove(p.userId, params.id);
    res.status(204).end();
  });

  // Newest favorite first; each image is asked of the guard now, so a revoked grant, a private or a deleted image drops out.
  route(router, ops.list, async ({ req, res, principal: p, query }) => {
    const digest = queryDigest({ favorites: p.userId });
    const page = await pageMembers(
      deps.redis,
      redisKeys.favorites(p.userId),
      pageRequest(query, deps.ring, digest),
      async (members) => {
        const out: { member: string; item: { record: ImageRecord; favoritedAt: string } }[] = [];
        for (const member of members) {
          const { favoriteId, imageId } = splitMember(member);
          const record = await deps.guard.visible(p, imageId);
          if (record) out.push({ member, item: { record, favoritedAt: new Date(decodeTime(favoriteId)).toISOString() } });
        }
        return out;
      },
      (member) => splitMember(member).favoriteId,
      // Members are `<favorite id>:<image id>`: ':~' sorts after every image id.
      (c) => (c.dir === 'after' ? `(${c.id}` : `(${c.id}:~`),
    );
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json({
      items: page.items.map((f) => ({ ...deps.view(f.record, req), favorited: true, favoritedAt: f.favoritedAt })),
      ...pageCursors(deps.ring, digest, page),
    });
  });

  return router;
}
