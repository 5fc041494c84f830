import { Router, type Request } from 'express';
import { readerOrAnonymous, requireScope } from '../access/authenticate-request.js';
import { decideTrash } from '../access/decide.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { actorOf, isAdmin, type Principal } from '../accounts/principal.js';
import { AppError, badRequest, notFound, unauthorized } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { deleteQuery, listQuery } from './lifecycle-operations.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import type { RecordWriter } from '../images/record-writer.js';
import type { ObjectStore } from '../storage/object-store.js';
import { encodeCursor, queryDigest } from './cursor.js';
import { cursorOf, limitOf, ownerQuery } from './page-params.js';
import { eraseImage, readTombstone, type EraseDeps } from './erase-image.js';
import type { ImageListing } from './image-listing.js';
import { foldTag } from './metadata.js';

export interface LifecycleDeps {
  listing: ImageListing;
  guard: ImageGuard;
  writer: RecordWriter;
  index: ImageIndex;
  store: ObjectStore;
  ring: KeyRing;
  erase: EraseDeps;
  eraseAfterSeconds: number;
  view: (record: ImageRecord, req: Request) => PublicImage;
}

export function ownerOf(req: Request, p: Principal): string {
  const { owner } = parseQuery(ownerQuery, req);
  if (owner !== undefined) return owner;
  if (p.kind !== 'user') throw unauthorized('authentication_required', 'listing your own images needs an API key; to list someone else’s public images pass ?owner=<userId>');
  return p.userId;
}

/** Listing, deletion into the trash, restore, and erasure. */
export function lifecycleRoutes(deps: LifecycleDeps): Router {
  const router = Router();

  const page = async (req: Request, principal: Principal, ownerId: string, trash: boolean) => {
    const { tag, status } = parseQuery(listQuery.pick({ tag: true, status: true }), req);
    const digest = queryDigest({ owner: ownerId, tag: tag && foldTag(tag), status, trash: trash ? '1' : undefined });
    const result = await deps.listing.list(principal, {
      ownerId,
      tag,
      status,
      trash,
      limit: limitOf(req),
      cursor: cursorOf(req, deps.ring, digest),
    });
    return {
      items: result.items.map((r) => deps.view(r, req)),
      nextCursor: result.nextAfter ? encodeCursor(deps.ring, digest, { dir: 'after', id: result.nextAfter }) : null,
      prevCursor: result.prevBefore ? encodeCursor(deps.ring, digest, { dir: 'before', id: result.prevBefore }) : null,
    };
  };

  router.get('/v1/images', readerOrAnonymous(), async (req, res) => {
    const p = res.locals.principal;
    res.setHeader('Cache-Control', 'private, no-store').json(await page(req, p, ownerOf(req, p), false));
  });

  router.get('/v1/trash', requireScope('images:read'), async (req, res) => {
    const p = res.locals.principal;
    const ownerId = ownerOf(req, p);
    if (p.kind !== 'user' || (ownerId !== p.userId && !isAdmin(p))) throw notFound('not_found', 'no trash here');
    const body = await page(req, p, ownerId, true);
    res.setHeader('Cache-Control', 'private, no-store').json({
      ...body,
      items: body.items.map((i) => ({ ...i, eraseAt: new Date(Date.parse(i.deletedAt!) + deps.eraseAfterSeconds * 1000).toISOString() })),
    });
  });

  router.delete('/v1/images/:id', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    const { purge } = parseQuery(deleteQuery, req);
    const id = String(req.params.id ?? '');
    // A deleted image can still be purged by whoever may see the trash; otherwise it must be live.
    const existing = isImageId(id) ? await deps.index.get(id) : undefined;
    const record = existing?.deletedAt !== undefined && purge === 'true' ? await deps.guard.trashed(p, id) : await deps.guard.manage(p, id);
    const deletedAt = record.deletedAt ?? new Date().toISOString();
    const deleted = record.deletedAt ? record : await deps.writer.update(record.id, (current) => ({ ...current, deletedAt, updatedAt: deletedAt }), actorOf(p));
    res.locals.log.info({ imageId: record.id, purge: purge === 'true' }, 'image deleted');
    if (purge === 'true') {
      const tombstone = await eraseImage(deleted, deps.erase, new Date(), actorOf(p));
      res.setHeader('Cache-Control', 'no-store').json({ id: record.id, deletedAt: tombstone.deletedAt, erasedAt: tombstone.erasedAt });
      return;
    }
    res.setHeader('Cache-Control', 'no-store').json({ id: record.id, deletedAt, eraseAt: new Date(Date.parse(deletedAt) + deps.eraseAfterSeconds * 1000).toISOString() });
  });

  router.post('/v1/images/:id/restore', requireScope('images:write'), async (req, res) => {
    const p = res.locals.principal;
    const id = String(req.params.id ?? '');
    if (isImageId(id) && !(await deps.index.get(id))) {
      const tombstone = await readTombstone(deps.store, id);
      if (tombstone && decideTrash(p, { ownerId: tombstone.ownerId, visibility: 'private', deletedAt: tombstone.deletedAt }) === 'allow') {
        throw new AppError(410, 'image_erased', `the image ${id} was erased at ${tombstone.erasedAt} and cannot be restored`);
      }
    }
    const record = await deps.guard.trashed(p, id);
    const restored = await deps.writer.update(record.id, (current) => {
      const { deletedAt: _d, ...rest } = current;
      return { ...rest, updatedAt: new Date().toISOString() };
    }, actorOf(p));
    res.locals.log.info({ imageId: record.id }, 'image restored');
    res.setHeader('Cache-Control', 'no-store').json(deps.view(restored, req));
  });

  return router;
}
