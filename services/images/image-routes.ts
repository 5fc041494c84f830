import { Router } from 'express';
import { queryString } from '../http/query-string.js';
import { buildSrcset } from '../core/srcset.js';
import { publicBaseUrl } from '../http/base-url.js';
import type { ImageIndex } from './image-index.js';
import { publicView } from './image-record.js';
import { loadRecord } from './load-record.js';

export function imageRoutes(deps: { index: ImageIndex; publicBaseUrl: string | undefined }): Router {
  const router = Router();
  router.get('/v1/images/:id', async (req, res) => {
    const record = await loadRecord(req.params.id, (id) => deps.index.get(id));
    res.setHeader('Cache-Control', 'no-cache');
    res.json(publicView(record, publicBaseUrl(req, deps.publicBaseUrl)));
  });
  // Ready-to-paste <picture> markup with explicit URLs, for CDNs that do not vary on headers.
  router.get('/v1/images/:id/srcset', async (req, res) => {
    const record = await loadRecord(req.params.id, (id) => deps.index.get(id));
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
