import { Router } from 'express';
import { queryString } from '../http/query-string.js';
import { buildSrcset } from '../core/srcset.js';
import { publicBaseUrl } from '../http/base-url.js';
import type { ImageIndex } from './image-index.js';
import { publicView, type ImageRecord } from './image-record.js';
import { loadRecord } from './load-record.js';

export function imageRoutes(deps: {
  index: ImageIndex;
  publicBaseUrl: string | undefined;
  /** Where a record the index lacks is looked for while the index is not known intact (the manifest). */
  fallback?: (id: string) => Promise<ImageRecord | undefined>;
}): Router {
  const router = Router();
  const find = async (id: string) => (await deps.index.get(id)) ?? (await deps.fallback?.(id));
  router.get('/v1/images/:id', async (req, res) => {
    const record = await loadRecord(req.params.id, find);
    res.setHeader('Cache-Control', 'no-cache');
    res.json(publicView(record, publicBaseUrl(req, deps.publicBaseUrl)));
  });
  // Ready-to-paste <picture> markup with explicit URLs, for CDNs that do not vary on headers.
  router.get('/v1/images/:id/srcset', async (req, res) => {
    const record = await loadRecord(req.params.id, find);
    const markup = buildSrcset(
      { id: record.id, width: record.width, height: record.height, hasAlpha: record.hasAlpha, animated: record.frames > 1 },
      publicBaseUrl(req, deps.publicBaseUrl),
      { sizes: queryString(req, 'sizes'), widths: queryString(req, 'widths'), formats: queryString(req, 'formats'), alt: queryString(req, 'alt') },
    );
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.json(markup);
  });

  return router;
}
