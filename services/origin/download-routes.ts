import { Router, type Request } from 'express';
import { route } from '../access/api-route.js';
import { stripHidden } from '../core/invisible-chars.js';
import type { ImageGuard } from '../access/image-guard.js';
import { clientAddress } from '../access/authenticate-request.js';
import { check } from '../access/permissions.js';
import type { AccountStore } from '../accounts/account-store.js';
import { forbidden } from '../core/errors.js';
import { DownloadLeases } from './download-leases.js';
import { formatInfo } from '../core/image-formats.js';
import type { ImageRecord } from '../images/image-record.js';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import { imageCacheControl, PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';
import type { HttpMetrics } from '../http/http-metrics.js';
import { originalKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { downloadOperations as ops } from './download-operations.js';
import { sendObject } from './send-object.js';

export interface DownloadRouteDeps {
  store: ObjectStore;
  guard: ImageGuard;
  accounts: AccountStore;
  leases: DownloadLeases;
  recorder: RequestRecorder;
  httpMetrics: HttpMetrics;
  cacheMaxAgeSeconds: number;
}

/** The original bytes under /v1 (origin and upload roles); /i/<id> is served by publicImageHandler. */
export function downloadRoutes(deps: DownloadRouteDeps): Router {
  const router = Router();
  const cacheControl = imageCacheControl(deps.cacheMaxAgeSeconds);

  // The bytes exactly as uploaded, for programmatic download (ranges supported).
  route(router, ops.original, async ({ req, res, principal, params }) => {
    const record = await deps.guard.view(principal, params.id);
    const ownerDefault = (await deps.accounts.getUser(record.ownerId))?.allowOriginalDownloads ?? false;
    if (check('image.original', principal, { image: record, ownerDefault }) !== 'allow') {
      throw forbidden('original_not_shared', 'the owner has not allowed downloading the original of this image; its variants are served at /i/<id>');
    }
    const lease = await deps.leases.acquire(DownloadLeases.holder(principal, clientAddress(req)));
    res.once('close', () => lease.release());
    const info = formatInfo(record.format);
    const sent = await sendObject(req, res, deps.store, {
      key: originalKey(record.sha256),
      size: record.bytes,
      contentType: info.mime,
      etag: `"${record.sha256}"`,
      cacheControl: record.visibility === 'private' ? PRIVATE_CACHE_CONTROL : cacheControl,
      ranges: true,
      extraHeaders: {
        'Content-Disposition': contentDisposition(record, info.ext),
        'Digest': `sha-256=${Buffer.from(record.sha256, 'hex').toString('base64')}`,
      },
    });
    count(req, record, sent, record.format, deps);
  });

  return router;
}

/** Every image request is counted, 304s and HEADs included (with 0 bytes). */
function count(req: Request, record: ImageRecord, bytes: number, format: string, deps: DownloadRouteDeps): void {
  deps.recorder.record({
    imageId: record.id,
    bytes,
    format,
    deviceClass: 'download',
    variant: 'original',
    tier: 'download',
    address: req.socket.remoteAddress,
    userAgent: req.get('user-agent'),
  });
  if (bytes > 0) deps.httpMetrics.served(String(req.route?.path ?? 'unmatched'), format, 'download', bytes);
}

/** The uploaded file name when there was one (RFC 6266, with an ASCII fallback), else the id. */
function contentDisposition(record: ImageRecord, ext: string): string {
  // Names stored before hidden characters were stripped at upload lose them here.
  const name = record.meta.originalFilename === undefined ? undefined : stripHidden(record.meta.originalFilename);
  if (!name) return `attachment; filename="${record.id}.${ext}"`;
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
