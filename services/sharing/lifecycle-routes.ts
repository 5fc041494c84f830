import { Router, type Request } from 'express';
import type { z } from 'zod';
import { route } from '../access/api-route.js';
import { check } from '../access/permissions.js';
import type { ImageGuard } from '../access/image-guard.js';
import type { KeyRing } from '../access/key-ring.js';
import { actorOf, type Principal } from '../accounts/principal.js';
import { AppError, notFound, unauthorized } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import { lifecycleOperations as ops, type listQuery } from './lifecycle-operations.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import type { RecordWriter } from '../images/record-writer.js';
import type { ObjectStore } from '../storage/object-store.js';
import { queryDigest } from '../http/cursor.js';
import { pageCursors, pageRequest } from '../http/page-params.js';
import { eraseImage, readTombstone, type EraseDeps } from './erase-image.js';
import type { ImageListing } from './image-listing.js';
import { foldTag } from '../images/metadata.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

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

/** Whose listing: `?owner=` as parsed (ownerQuery), else the caller's own. */
export function ownerOf(owner: string | undefined, p: Principal): string {
  if (owner !== undefined) return owner;
  if (p.kind !== 'user') throw unauthorized('authentication_required', 'listing your own images needs an API key; to list someone else’s public images pass ?owner=<userId>');
  return p.userId;
}

/** Listing, deletion into the trash, restore, and erasure. */
export function lifecycleRoutes(deps: LifecycleDeps): Router {
  const router = Router();

  const page = async (req: Request, principal: Principal, query: z.output<typeof listQuery>, ownerId: string, trash: boolean) => {
    const { tag, status, sort } = query;
    const taken = sort === 'taken' && !trash ? 'taken' : undefined;
    const digest = queryDigest({ owner: ownerId, tag: tag && foldTag(tag), status, trash: trash ? '1' : undefined, ...(taken ? { sort: taken } : {}) });
    const result = await deps.listing.list(principal, { ownerId, tag, status, trash, sort: taken, ...pageRequest(query, deps.ring, digest) });
    return { items: result.items.map((r) => deps.view(r, req)), ...pageCursors(deps.ring, digest, result) };
  };

  route(router, ops.list, async ({ req, res, principal: p, query }) => {
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(await page(req, p, query, ownerOf(query.owner, p), false));
  });

  route(router, ops.trash, async ({ req, res, principal: p, query }) => {
    const ownerId = ownerOf(query.owner, p);
    if (check('trash.list', p, { ownerId }) !== 'allow') throw notFound('not_found', 'no trash here');
    const body = await page(req, p, query, ownerId, true);
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json({
      ...body,
      items: body.items.map((i) => ({ ...i, eraseAt: new Date(Date.parse(i.deletedAt!) + deps.eraseAfterSeconds * 1000).toISOString() })),
    });
  });

  route(router, ops.delete, async ({ res, principal: p, params, query }) => {
    const { purge } = query;
    const id = params.id;
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

  route(router, ops.restore, async ({ req, res, principal: p, params }) => {
    const id = params.id;
    if (isImageId(id) && !(await deps.index.get(id))) {
      const tombstone = await readTombstone(deps.store, id);
      if (tombstone && check('image.trash', p, { image: { ownerId: tombstone.ownerId, visibility: 'private', deletedAt: tombstone.deletedAt } }) === 'allow') {
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
