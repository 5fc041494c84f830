import { Router } from 'express';
import { route } from '../access/api-route.js';
import { ownerFilter } from '../access/permissions.js';
import { eventOperations as ops } from './event-operations.js';
import { parseEventQuery } from './event-query.js';
import type { EventReader } from './event-reader.js';
import { PRIVATE_CACHE_CONTROL } from '../http/cache-control.js';

/**
 * `GET /v1/events`: the event stream for services that have an API key but no Redis. An admin
 * reads every event; anyone else only the events whose `ownerId` is theirs.
 */
export function eventRoutes(deps: { reader: EventReader }): Router {
  const router = Router();
  route(router, ops.list, async ({ res, principal: p, query }) => {
    const page = await deps.reader.read(parseEventQuery(query), ownerFilter('events.read', p));
    res.setHeader('Cache-Control', PRIVATE_CACHE_CONTROL).json(page);
  });
  return router;
}
