import { Router, type Request } from 'express';
import type { ImageIndex } from '../images/image-index.js';
import { loadRecord } from '../images/load-record.js';
import type { AnalyticsQueries } from './analytics-queries.js';

/** The analytics API: per-image stats, top images, fleet summary. */
export function analyticsRoutes(deps: { queries: AnalyticsQueries; index: ImageIndex }): Router {
  const router = Router();
  const text = (req: Request, name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);

  router.get('/v1/images/:id/stats', async (req, res) => {
    const record = await loadRecord(req.params.id, (id) => deps.index.get(id));
    const stats = await deps.queries.imageStats(record.id, { from: text(req, 'from'), to: text(req, 'to'), granularity: text(req, 'granularity') });
    res.setHeader('Cache-Control', 'no-cache').json(stats);
  });

  router.get('/v1/analytics/top', async (req, res) => {
    const top = await deps.queries.top({ window: text(req, 'window'), by: text(req, 'by'), limit: text(req, 'limit') });
    res.setHeader('Cache-Control', 'no-cache').json(top);
  });

  router.get('/v1/analytics/summary', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache').json(await deps.queries.summary());
  });

  return router;
}
