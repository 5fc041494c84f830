import { Router } from 'express';
import { queryString } from '../http/query-string.js';
import type { ImageIndex } from '../images/image-index.js';
import { loadRecord } from '../images/load-record.js';
import type { AnalyticsQueries } from './analytics-queries.js';

/** The analytics API: per-image stats, top images, fleet summary. */
export function analyticsRoutes(deps: { queries: AnalyticsQueries; index: ImageIndex }): Router {
  const router = Router();

  router.get('/v1/images/:id/stats', async (req, res) => {
    const record = await loadRecord(req.params.id, (id) => deps.index.get(id));
    const stats = await deps.queries.imageStats(record.id, { from: queryString(req, 'from'), to: queryString(req, 'to'), granularity: queryString(req, 'granularity') });
    res.setHeader('Cache-Control', 'no-cache').json(stats);
  });

  router.get('/v1/analytics/top', async (req, res) => {
    const top = await deps.queries.top({ window: queryString(req, 'window'), by: queryString(req, 'by'), limit: queryString(req, 'limit') });
    res.setHeader('Cache-Control', 'no-cache').json(top);
  });

  router.get('/v1/analytics/summary', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache').json(await deps.queries.summary());
  });

  return router;
}
