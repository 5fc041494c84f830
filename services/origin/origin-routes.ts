import { Router, type Request } from 'express';
import { formatInfo } from '../core/image-formats.js';
import type { WorkTracker } from '../core/work-tracker.js';
import { displaySpec } from '../core/variant-spec.js';
import type { RecordCache } from '../images/record-cache.js';
import { loadRecord } from '../images/load-record.js';
import type { ImageRecord } from '../images/image-record.js';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import type { HttpMetrics } from '../http/http-metrics.js';
import { originalKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { sendObject } from './send-object.js';
import type { VariantSource } from './variant-source.js';

export interface OriginRouteDeps {
  store: ObjectStore;
  records: RecordCache;
  variants: VariantSource;
  recorder: RequestRecorder;
  httpMetrics: HttpMetrics;
  cacheMaxAgeSeconds: number;
  work: WorkTracker;
}

/** `publicUrls`: /i/<id> (origin role); `downloads`: the original bytes under /v1 (origin and upload roles). */
export function originRoutes(deps: OriginRouteDeps, mount: { publicUrls: boolean; downloads: boolean }): Router {
  const router = Router();
  const cacheControl = `public, max-age=${deps.cacheMaxAgeSeconds}${deps.cacheMaxAgeSeconds >= 31_536_000 ? ', immutable' : ''}`;

  // The public URL for <img src>: an upright, metadata-free rendition browsers can display.
  if (mount.publicUrls) router.get('/i/:id', async (req, res) => {
    const record = await loadRecord(req.params.id, (id) => deps.records.get(id));
    const spec = displaySpec(record);
    // A transform outlives a client that hangs up; shutdown waits for it.
    const variant = await deps.work.track(() => deps.variants.resolve(record, spec));
    const sent = await sendObject(req, res, deps.store, {
      key: variant.key,
      size: variant.size,
      contentType: variant.contentType,
      etag: `"${record.sha256.slice(0, 32)}.${variant.name}.${spec.format}"`,
      cacheControl,
    });
    count(req, record, sent, spec.format, deps);
  });

  // The bytes exactly as uploaded, for programmatic download (ranges supported).
  if (mount.downloads) router.get('/v1/images/:id/original', async (req, res) => {
    const record = await loadRecord(req.params.id, (id) => deps.records.get(id));
    const info = formatInfo(record.format);
    const sent = await sendObject(req, res, deps.store, {
      key: originalKey(record.sha256),
      size: record.bytes,
      contentType: info.mime,
      etag: `"${record.sha256}"`,
      cacheControl,
      ranges: true,
      extraHeaders: {
        'Content-Disposition': `attachment; filename="${record.id}.${info.ext}"`,
        'Digest': `sha-256=${Buffer.from(record.sha256, 'hex').toString('base64')}`,
      },
    });
    count(req, record, sent, record.format, deps);
  });

  return router;
}

/** Every image request is counted, 304s and HEADs included (with 0 bytes). */
function count(req: Request, record: ImageRecord, bytes: number, format: string, deps: OriginRouteDeps): void {
  deps.recorder.record({ imageId: record.id, bytes });
  if (bytes > 0) deps.httpMetrics.servedBytes.add(bytes, { route: String(req.route?.path ?? 'unmatched'), format });
}
