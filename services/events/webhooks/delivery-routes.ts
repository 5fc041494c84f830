import { Router } from 'express';
import { assertScope } from '../../access/authenticate-request.js';
import type { KeyRing } from '../../access/key-ring.js';
import { conflict, notFound } from '../../core/errors.js';
import { isImageId } from '../../core/ids.js';
import { parseQuery } from '../../http/openapi/parse-request.js';
import { queryDigest } from '../../sharing/cursor.js';
import { cursorOf, limitOf, pageCursors } from '../../sharing/page-params.js';
import { deliveryOperations } from './delivery-operations.js';
import { publicDelivery, type DeliveryStore } from './delivery-store.js';
import { endpointFor, type WebhookRouteDeps } from './webhook-routes.js';

/** An endpoint's deliveries (cursor paged, newest first) and the manual retry of dead letters. */
export function deliveryRoutes(deps: WebhookRouteDeps & { deliveries: DeliveryStore; ring: KeyRing }): Router {
  const router = Router();

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    assertScope(res.locals.principal, 'images:read');
    const endpoint = await endpointFor(deps, req, res);
    const { status } = parseQuery(deliveryOperations.list.query.pick({ status: true }), req);
    const digest = queryDigest({ webhook: endpoint.id, status });
    const page = await deps.deliveries.page(endpoint.id, status, limitOf(req), cursorOf(req, deps.ring, digest));
    res.setHeader('Cache-Control', 'no-store').json({ items: page.items.map(publicDelivery), ...pageCursors(deps.ring, digest, page) });
  });

  router.post('/v1/webhooks/:id/deliveries/:deliveryId/retry', async (req, res) => {
    assertScope(res.locals.principal, 'images:write');
    const endpoint = await endpointFor(deps, req, res);
    const id = String(req.params.deliveryId);
    const d = isImageId(id) ? await deps.deliveries.get(id) : undefined;
    if (!d || d.endpointId !== endpoint.id) throw notFound('delivery_not_found', `no delivery ${id} for this webhook endpoint`);
    if (!endpoint.enabled) throw conflict('webhook_disabled', 'the endpoint is disabled: enable it (PATCH {"enabled": true}) before retrying');
    if (!(await deps.deliveries.retry(d, Date.now()))) throw conflict('delivery_not_dead', `only dead deliveries are retried by hand; this one is ${d.status}`);
    res.locals.log.info({ webhookId: endpoint.id, deliveryId: id }, 'dead webhook delivery retried');
    res.setHeader('Cache-Control', 'no-store').json(publicDelivery((await deps.deliveries.get(id)) ?? d));
  });

  return router;
}
