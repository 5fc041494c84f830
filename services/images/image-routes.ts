import { Router, type Request } from 'express';
import { route } from '../access/api-route.js';
import type { ImageGuard } from '../access/image-guard.js';
import { signedUrlsFor, signingBinding, type UrlSigner } from '../access/signed-urls.js';
import { signPath } from '../access/url-signing.js';
import { actorOf } from '../accounts/principal.js';
import { badRequest, preconditionFailed } from '../core/errors.js';
import { hidden } from '../access/image-guard.js';
import { applyMetadata } from './metadata.js';
import { buildSrcset } from '../core/srcset.js';
import { publicBaseUrl } from '../http/base-url.js';
import { imageOperations as ops, VARIANT_PARAMS } from './image-operations.js';
import type { ImageIndex } from './image-index.js';
import { recordEtag, type ImageRecord, type PublicImage } from './image-record.js';
import type { RecordWriter } from './record-writer.js';
import type { Favorites } from '../sharing/favorites.js';
import type { Comments } from '../sharing/comments.js';
import { cacheControlFor } from '../http/cache-control.js';

export interface ImageRouteDeps {
  index: ImageIndex;
  guard: ImageGuard;
  writer: RecordWriter;
  signer: UrlSigner;
  publicBaseUrl: string | undefined;
  view: (record: ImageRecord, req: Request) => PublicImage;
  /** Its favorite count and whether the caller favorited it, shown in the record. */
  favorites?: Favorites;
  /** Its comment count, shown in the record. */
  comments?: Comments;
}

/** Private records and everything derived from them must not sit in a shared cache. */
function cacheFor(record: ImageRecord, publicValue: string): string {
  return cacheControlFor(record.visibility, publicValue);
}

export function imageRoutes(deps: ImageRouteDeps): Router {
  const router = Router();

  route(router, ops.getImage, async ({ req, res, principal: p, params }) => {
    const record = await deps.guard.view(p, params.id);
    const [favorites, commentCount] = await Promise.all([deps.favorites?.state(record.id, p.kind === 'user' ? p.userId : undefined), deps.comments?.count(record.id)]);
    // The body names the caller's own favorite now, so no shared cache may keep it.
    res.setHeader('Cache-Control', cacheFor(record, 'private, no-cache')).setHeader('ETag', recordEtag(record));
    res.json({ ...deps.view(record, req), ...favorites, ...(commentCount !== undefined ? { commentCount } : {}) });
  });

  route(router, ops.patchImage, async ({ req, res, principal, params, body: change }) => {
    const record = await deps.guard.manage(principal, params.id);
    const ifMatch = req.get('if-match');
    const updated = await deps.writer.update(record.id, (current) => {
      // Checked under the record's lock, so two editors of one version cannot both win.
      if (ifMatch !== undefined && ifMatch.trim() !== '*' && !ifMatch.split(',').map((t) => t.trim()).includes(recordEtag(current))) {
        throw preconditionFailed('edit_conflict', `the image changed since you read it (now ${recordEtag(current)}); read it again and retry`);
      }
      if (current.deletedAt !== undefined) throw hidden(current.id);
      const { allowOriginalDownload: _a, commentsEnabled: _c, ...rest } = current;
      const allow = change.allowOriginalDownload === undefined ? current.allowOriginalDownload : change.allowOriginalDownload ?? undefined;
      const comments = change.commentsEnabled ?? current.commentsEnabled !== false;
      return {
        ...rest,
        ...(allow !== undefined ? { allowOriginalDownload: allow } : {}),
        ...(comments ? {} : { commentsEnabled: false as const }),
        ...(change.visibility ? { visibility: change.visibility } : {}),
        meta: applyMetadata(current.meta, change),
        updatedAt: new Date().toISOString(),
      };
    }, actorOf(principal));
    if (change.visibility && change.visibility !== record.visibility) {
      res.locals.log.info({ imageId: record.id, visibility: change.visibility }, 'visibility changed');
    }
    res.setHeader('Cache-Control', 'no-store').setHeader('ETag', recordEtag(updated)).json(deps.view(updated, req));
  });

  // Ready-to-paste <picture> markup with explicit URLs, for CDNs that do not vary on headers.
  route(router, ops.srcset, async ({ req, res, principal, params, query }) => {
    const record = await deps.guard.view(principal, params.id);
    const base = publicBaseUrl(req, deps.publicBaseUrl);
    const exp = Math.floor(Date.now() / 1000) + deps.signer.defaultTtlSeconds;
    const markup = buildSrcset(
      { id: record.id, width: record.width, height: record.height, hasAlpha: record.hasAlpha, animated: record.frames > 1 },
      base,
      query,
      record.visibility === 'private' ? (path, signed) => `${base}${signPath(deps.signer.ring, path, signed, exp, signingBinding(principal, record))}` : undefined,
    );
    res.setHeader('Cache-Control', cacheFor(record, 'public, max-age=3600'));
    res.json(markup);
  });

  // Fresh signed URLs for chosen presets or explicit parameters (any visibility; public ones need none).
  route(router, ops.signedUrls, async ({ req, res, principal, params, body }) => {
    const record = await deps.guard.view(principal, params.id);
    const ttl = body.ttlSeconds ?? deps.signer.defaultTtlSeconds;
    if (ttl > deps.signer.maxTtlSeconds) throw badRequest('ttl_too_long', `expected ttlSeconds of at most ${deps.signer.maxTtlSeconds} but received ${ttl}`);
    const known = new Set(deps.signer.presets.map((p) => p.name));
    for (const name of body.presets ?? []) {
      if (!known.has(name)) throw badRequest('unknown_preset', `unknown preset ${JSON.stringify(name)}; expected one of ${[...known].join(', ')}`);
    }
    const wanted = [
      ...(body.presets ?? []).map((name) => ({ name, preset: name, params: [] as [string, string][] })),
      ...(body.variants ?? []).map((v, i) => ({
        name: `variant${i}`,
        params: VARIANT_PARAMS.flatMap((k) => (v[k] === undefined ? [] : [[k, String(v[k])] as [string, string]])),
      })),
    ];
    const { urls, expiresAt } = signedUrlsFor(record, publicBaseUrl(req, deps.publicBaseUrl), deps.signer, ttl, Date.now(), wanted.length > 0 ? wanted : undefined, principal);
    res.setHeader('Cache-Control', 'no-store').json({ id: record.id, urls, expiresAt });
  });

  // The owner's off switch: every signed URL minted before stops working (the record's epoch moves on).
  route(router, ops.revokeSignedUrls, async ({ req, res, principal, params }) => {
    const record = await deps.guard.manage(principal, params.id);
    const updated = await deps.writer.update(record.id, (current) => {
      if (current.deletedAt !== undefined) throw hidden(current.id);
      return { ...current, signingEpoch: (current.signingEpoch ?? 0) + 1, updatedAt: new Date().toISOString() };
    }, actorOf(principal));
    res.locals.log.info({ imageId: record.id, signingEpoch: updated.signingEpoch }, 'signed URLs revoked');
    res.setHeader('Cache-Control', 'no-store').setHeader('ETag', recordEtag(updated)).json(deps.view(updated, req));
  });

  return router;
}
