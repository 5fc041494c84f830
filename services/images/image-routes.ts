import { Router } from 'express';
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
  return router;
}
