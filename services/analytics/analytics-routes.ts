import { Router } from 'express';
import { route } from '../access/api-route.js';
import type { ImageGuard } from '../access/image-guard.js';
import { analyticsOperations as ops } from './analytics-operations.js';
import type { AnalyticsQueries } from './analytics-queries.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

/**
 * The analytics API. An image's statistics are its owner's (and admins'); the fleet-wide
 * views name every image, private ones included, so they are for admins only.
 */
export function analyticsRoutes(deps: { queries: AnalyticsQueries; guard: ImageGuard }): Router {
  const router = Router();

  route(router, ops.stats, async ({ res, principal, params, query }) => {
    const record = await deps.guard.manage(principal, params.id);
    const stats = await deps.queries.imageStats(record.id, query);
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(stats);
  });

  route(router, ops.top, async ({ res, query }) => {
    const top = await deps.queries.top(query);
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(top);
  });

  route(router, ops.summary, async ({ res }) => {
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(await deps.queries.summary());
  });

  return router;
}
