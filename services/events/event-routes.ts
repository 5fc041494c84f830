import { Router } from 'express';
import { assertScope, requireScope } from '../access/authenticate-request.js';
import { isAdmin } from '../accounts/principal.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { eventOperations } from './event-operations.js';
import { parseEventQuery } from './event-query.js';
import type { EventReader } from './event-reader.js';

/**
 * `GET /v1/events`: the event stream for services that have an API key but no Redis. An admin
 * reads every event; anyone else only the events whose `ownerId` is theirs.
 */
export function eventRoutes(deps: { reader: EventReader }): Router {
  const router = Router();
  router.get('/v1/events', requireScope('images:read'), async (req, res) => {
    const p = res.locals.principal;
    assertScope(p, 'images:read');
    const query = parseEventQuery(parseQuery(eventOperations.list.query, req, { after: 'invalid_event_id', type: 'unknown_event_type' }));
    const page = await deps.reader.read(query, isAdmin(p) ? undefined : p.userId);
    res.setHeader('Cache-Control', 'private, no-store').json(page);
  });
  return router;
}
