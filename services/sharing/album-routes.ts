import { Router, type Request } from 'express';
import type { AlbumGuard } from '../access/album-guard.js';
import { assertScope, readerOrAnonymous, requireScope } from '../access/authenticate-request.js';
import { decideAlbumItem, decideAlbumManage } from '../access/decide.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { actorOf, type Principal } from '../accounts/principal.js';
import { badRequest, forbidden } from '../core/errors.js';
import { parseParams } from '../http/openapi/parse-request.js';
import { albumOperations, createAlbumSchema, patchAlbumSchema } from './album-operations.js';
import { parseBody } from '../http/parse-body.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import type { Redis } from 'ioredis';
import type { Album, AlbumStore } from './album-store.js';
import { queryDigest } from './cursor.js';
import { ownerOf } from './lifecycle-routes.js';
import { pageList, pageMembers } from './member-pages.js';
import { cursorOf, limitOf, pageCursors } from './page-params.js';

export interface AlbumRouteDeps {
  redis: Redis;
  albums: AlbumStore;
  albumGuard: AlbumGuard;
  guard: ImageGuard;
  ring: KeyRing;
  view: (record: ImageRecord, req: Request) => PublicImage;
}

const NO_STORE = 'private, no-store';

/** Albums: an owner's ordered sets of their own images, seen by whoever may see an item (see decideAlbumView). */
export function albumRoutes(deps: AlbumRouteDeps): Router {
  const router = Router();

  /** What a caller is shown of an album: never an item (the cover included) they may not see. */
  const albumView = async (album: Album, p: Principal) => {
    const cover = album.coverImageId && (await deps.guard.visible(p, album.coverImageId)) ? album.coverImageId : null;
    const manages = decideAlbumManage(p, album, false) === 'allow';
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

  router.post('/v1/albums', requireScope('images:write'), async (req, res) => {
    const body = parseBody(createAlbumSchema, req.body);
    const p = res.locals.principal;
    assertScope(p, 'images:write');
    const album = await deps.albums.create(p.userId, body, new Date(), p.userId);
    res.status(201).setHeader('Cache-Control', NO_STORE).json(await albumView(album, p));
  });

  router.get('/v1/albums', readerOrAnonymous(), async (req, res) => {
    const p = res.locals.principal;
    const ownerId = ownerOf(req, p);
    const digest = queryDigest({ albums: ownerId });
    const page = await pageMembers(deps.redis, redisKeys.ownerAlbums(ownerId), { limit: limitOf(req), cursor: cursorOf(req, deps.ring, digest) }, async (ids) => {
      const out: { member: string; item: Album }[] = [];
      for (const id of ids) {
        const album = await deps.albums.get(id);
        if (album && album.ownerId === ownerId && (await deps.albumGuard.canView(p, album))) out.push({ member: id, item: album });
      }
      return out;
    });
    const items = await Promise.all(page.items.map((a) => albumView(a, p)));
    res.setHeader('Cache-Control', NO_STORE).json({ items, ...pageCursors(deps.ring, digest, page) });
  });

  router.get('/v1/albums/:id', readerOrAnonymous(), async (req, res) => {
    const p = res.locals.principal;
    const album = await deps.albumGuard.view(p, req.params.id);
    res.setHeader('Cache-Control', NO_STORE).json(await albumView(album, p));
  });

  router.patch('/v1/albums/:id', requireScope('images:write'), async (req, res) => {
    const change = parseBody(patchAlbumSchema, req.body);
    const p = res.locals.principal;
    const album = await deps.albumGuard.manage(p, req.params.id);
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
    res.setHeader('Cache-Control', NO_STORE).json(await albumView(updated, p));
  });

  router.delete('/v1/albums/:id', requireScope('images:write'), async (req, res) => {
    const album = await deps.albumGuard.manage(res.locals.principal, req.params.id);
    await deps.albums.delete(album, actorOf(res.locals.principal));
    res.locals.log.info({ albumId: album.id }, 'album deleted');
    res.status(204).end();
  });

  router.put('/v1/albums/:id/images/:imageId', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    const album = await deps.albumGuard.manage(p, req.params.id);
    const image = await deps.guard.view(p, req.params.imageId);
    if (decideAlbumItem(album, image) !== 'allow') throw forbidden('foreign_image', `the image ${image.id} belongs to another user: an album holds only its owner's own images`);
    const updated = await deps.albums.update(album.id, (current) =>
      current.imageIds.includes(image.id) ? current : { ...current, imageIds: [...current.imageIds, image.id], updatedAt: new Date().toISOString() },
      actorOf(p),
    );
    res.setHeader('Cache-Control', NO_STORE).json({ albumId: album.id, imageId: image.id, position: updated.imageIds.indexOf(image.id) });
  });

  router.delete('/v1/albums/:id/images/:imageId', requireScope('images:write'), async (req, res) => {
    const album = await deps.albumGuard.manage(res.locals.principal, req.params.id);
    const { imageId: id } = parseParams(albumOperations.removeItem.params, req);
    if (album.imageIds.includes(id)) {
      await deps.albums.update(album.id, (current) => {
        const { coverImageId, ...rest } = current;
        return { ...rest, ...(coverImageId && coverImageId !== id ? { coverImageId } : {}), imageIds: current.imageIds.filter((i) => i !== id), updatedAt: new Date().toISOString() };
      }, actorOf(res.locals.principal));
    }
    res.status(204).end();
  });

  // In album order; each item is asked of the image guard at query time (deleted ones never show).
  router.get('/v1/albums/:id/images', readerOrAnonymous(), async (req, res) => {
    const p = res.locals.principal;
    const album = await deps.albumGuard.view(p, req.params.id);
    const digest = queryDigest({ album: album.id });
    const page = await pageList(album.imageIds, { limit: limitOf(req), cursor: cursorOf(req, deps.ring, digest) }, async (ids) => {
      const out: { member: string; item: ImageRecord }[] = [];
      for (const id of ids) {
        const record = await deps.guard.visible(p, id);
        if (record) out.push({ member: id, item: record });
      }
      return out;
    });
    if (!page) throw badRequest('invalid_cursor', 'the item this cursor points at left the album; start again from the first page');
    res.setHeader('Cache-Control', NO_STORE).json({ items: page.items.map((r) => deps.view(r, req)), ...pageCursors(deps.ring, digest, page) });
  });

  return router;
}
