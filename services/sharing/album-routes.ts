import { Router, type Request } from 'express';
import type { AlbumGuard } from '../access/album-guard.js';
import { decideAlbumItem } from '../access/decide.js';
import { check } from '../access/permissions.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { actorOf, type Principal } from '../accounts/principal.js';
import { badRequest, forbidden } from '../core/errors.js';
import { route } from '../access/api-route.js';
import { albumOperations as ops } from './album-operations.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import type { Redis } from 'ioredis';
import type { Album, AlbumStore } from './album-store.js';
import { queryDigest } from '../http/cursor.js';
import { ownerOf } from './lifecycle-routes.js';
import { pageList, pageMembers } from './member-pages.js';
import { pageCursors, pageRequest } from '../http/page-params.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

export interface AlbumRouteDeps {
  redis: Redis;
  albums: AlbumStore;
  albumGuard: AlbumGuard;
  guard: ImageGuard;
  ring: KeyRing;
  view: (record: ImageRecord, req: Request) => PublicImage;
}

/** Albums: an owner's ordered sets of their own images, seen by whoever may see an item (see decideAlbumView). */
export function albumRoutes(deps: AlbumRouteDeps): Router {
  const router = Router();

  /** What a caller is shown of an album: never an item (the cover included) they may not see. */
  const albumView = async (album: Album, p: Principal) => {
    const cover = album.coverImageId && (await deps.guard.visible(p, album.coverImageId)) ? album.coverImageId : null;
    const manages = check('album.manage', p, { album, seesAnItem: false }) === 'allow';
    return {
      id: album.id,
      ownerId: album.ownerId,
      title: album.title,
      description: album.description ?? null,
      coverImageId: cover,
      ...(manages ? { imageCount: album.imageIds.length } : {}),
      createdAt: album.createdAt,
      updatedAt: album.updatedAt,
    };
  };

  route(router, ops.create, async ({ res, principal: p, body }) => {
    const album = await deps.albums.create(p.userId, body, new Date(), p.userId);
    res.status(201).setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(await albumView(album, p));
  });

  route(router, ops.list, async ({ req, res, principal: p, query }) => {
    const ownerId = ownerOf(query.owner, p);
    const digest = queryDigest({ albums: ownerId });
    const page = await pageMembers(deps.redis, redisKeys.ownerAlbums(ownerId), pageRequest(query, deps.ring, digest), async (ids) => {
      const out: { member: string; item: Album }[] = [];
      for (const id of ids) {
        const album = await deps.albums.get(id);
        if (album && (await deps.albumGuard.canViewListed(p, album, ownerId))) out.push({ member: id, item: album });
      }
      return out;
    });
    const items = await Promise.all(page.items.map((a) => albumView(a, p)));
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json({ items, ...pageCursors(deps.ring, digest, page) });
  });

  route(router, ops.get, async ({ res, principal: p, params }) => {
    const album = await deps.albumGuard.view(p, params.id);
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(await albumView(album, p));
  });

  route(router, ops.patch, async ({ res, principal: p, params, body: change }) => {
    const album = await deps.albumGuard.manage(p, params.id);
    const updated = await deps.albums.update(album.id, (current) => {
      const order = change.imageIds ?? current.imageIds;
      if (change.imageIds && (new Set(order).size !== order.length || order.length !== current.imageIds.length || !current.imageIds.every((id) => order.includes(id)))) {
        throw badRequest('invalid_order', 'expected imageIds to name every item of the album exactly once, in the new order');
      }
      const cover = change.coverImageId === undefined ? current.coverImageId : change.coverImageId ?? undefined;
      if (cover !== undefined && !order.includes(cover)) throw badRequest('cover_not_in_album', `the cover ${cover} is not an item of this album; add it first`);
      const desc = change.description === undefined ? current.description : change.description ?? undefined;
      const { description: _d, coverImageId: _c, ...rest } = current;
      return { ...rest, title: change.title ?? current.title, ...(desc ? { description: desc } : {}), ...(cover ? { coverImageId: cover } : {}), imageIds: order, updatedAt: new Date().toISOString() };
    }, actorOf(p));
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(await albumView(updated, p));
  });

  route(router, ops.delete, async ({ res, principal, params }) => {
    const album = await deps.albumGuard.manage(principal, params.id);
    await deps.albums.delete(album, actorOf(principal));
    res.locals.log.info({ albumId: album.id }, 'album deleted');
    res.status(204).end();
  });

  route(router, ops.addItem, async ({ res, principal: p, params }) => {
    const album = await deps.albumGuard.manage(p, params.id);
    const image = await deps.guard.view(p, params.imageId);
    if (decideAlbumItem(album, image) !== 'allow') throw forbidden('foreign_image', `the image ${image.id} belongs to another user: an album holds only its owner's own images`);
    const updated = await deps.albums.update(album.id, (current) =>
      current.imageIds.includes(image.id) ? current : { ...current, imageIds: [...current.imageIds, image.id], updatedAt: new Date().toISOString() },
      actorOf(p),
    );
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json({ albumId: album.id, imageId: image.id, position: updated.imageIds.indexOf(image.id) });
  });

  route(router, ops.removeItem, async ({ res, principal, params }) => {
    const album = await deps.albumGuard.manage(principal, params.id);
    const id = params.imageId;
    if (album.imageIds.includes(id)) {
      await deps.albums.update(album.id, (current) => {
        const { coverImageId, ...rest } = current;
        return { ...rest, ...(coverImageId && coverImageId !== id ? { coverImageId } : {}), imageIds: current.imageIds.filter((i) => i !== id), updatedAt: new Date().toISOString() };
      }, actorOf(principal));
    }
    res.status(204).end();
  });

  // In album order; each item is asked of the image guard at query time (deleted ones never show).
  route(router, ops.items, async ({ req, res, principal: p, params, query }) => {
    const album = await deps.albumGuard.view(p, params.id);
    const digest = queryDigest({ album: album.id });
    const page = await pageList(album.imageIds, pageRequest(query, deps.ring, digest), async (ids) => {
      const out: { member: string; item: ImageRecord }[] = [];
      for (const id of ids) {
        const record = await deps.guard.visible(p, id);
        if (record) out.push({ member: id, item: record });
      }
      return out;
    });
    if (!page) throw badRequest('invalid_cursor', 'the item this cursor points at left the album; start again from the first page');
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json({ items: page.items.map((r) => deps.view(r, req)), ...pageCursors(deps.ring, digest, page) });
  });

  return router;
}
