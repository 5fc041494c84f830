import { Router, type Request } from 'express';
import type { Redis } from 'ioredis';
import { assertScope, requireScope } from '../access/authenticate-request.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { parseParams } from '../http/openapi/parse-request.js';
import { favoriteOperations } from './favorite-operations.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { queryDigest } from './cursor.js';
import { splitMember, type Favorites } from './favorites.js';
import { pageMembers } from './member-pages.js';
import { cursorOf, limitOf, pageCursors } from './page-params.js';
import { decodeTime } from 'ulid';

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

  router.put('/v1/images/:id/favorite', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const record = await deps.guard.view(p, req.params.id);
    const favorite = await deps.favorites.add(p.userId, record.id);
    res.setHeader('Cache-Control', 'no-store').json({ imageId: record.id, favoritedAt: favorite.favoritedAt, ...(await deps.favorites.state(record.id, p.userId)) });
  });

  // Always 204 for a well-formed id: it touches only the caller's own list and says nothing of the image.
  router.delete('/v1/images/:id/favorite', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const { id } = parseParams(favoriteOperations.remove.params, req);
    await deps.favorites.remove(p.userId, id);
    res.status(204).end();
  });

  // Newest favorite first; each image is asked of the guard now, so a revoked grant, a private or a deleted image drops out.
  router.get('/v1/me/favorites', requireScope('images:read'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:read');
    const digest = queryDigest({ favorites: p.userId });
    const page = await pageMembers(
      deps.redis,
      redisKeys.favorites(p.userId),
      { limit: limitOf(req), cursor: cursorOf(req, deps.ring, digest) },
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
    res.setHeader('Cache-Control', 'private, no-store').json({
      items: page.items.map((f) => ({ ...deps.view(f.record, req), favorited: true, favoritedAt: f.favoritedAt })),
      ...pageCursors(deps.ring, digest, page),
    });
  });

  return router;
}
