import { Router } from 'express';
import { requireAdmin, requireScope } from '../access/authenticate-request.js';
import type { ImageGuard } from '../access/image-guard.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { statsQuery, topQuery } from './analytics-operations.js';
import type { AnalyticsQueries } from './analytics-queries.js';

/**
 * The analytics API. An image's statistics are its owner's (and admins'); the fleet-wide
 * views name every image, private ones included, so they are for admins only.
 */
export function analyticsRoutes(deps: { queries: AnalyticsQueries; guard: ImageGuard }): Router {
  const router = Router();

  router.get('/v1/images/:id/stats', requireScope('images:read'), async (req, res) => {
    const record = await deps.guard.manage(res.locals.principal, req.params.id);
    const stats = await deps.queries.imageStats(record.id, parseQuery(statsQuery, req));
    res.setHeader('Cache-Control', 'private, no-store').json(stats);
  });


  router.get('/v1/analytics/top', requireAdmin(), async (req, res) => {
    const top = await deps.queries.top(parseQuery(topQuery, req));
    res.setHeader('Cache-Control', 'private, no-store').json(top);
  });

  router.get('/v1/analytics/summary', requireAdmin(), async (_req, res) => {
    res.setHeader('Cache-Control', 'private, no-store').json(await deps.queries.summary());
  });

  return router;
}
