import { Router } from 'express';
import { route } from '../../access/api-route.js';
import type { KeyRing } from '../../access/key-ring.js';
import { conflict, notFound } from '../../core/errors.js';
import { isImageId } from '../../core/ids.js';
import { queryDigest } from '../../http/cursor.js';
import { pageCursors, pageRequest } from '../../http/page-params.js';
import { deliveryOperations as ops } from './delivery-operations.js';
import { publicDelivery, type DeliveryStore } from './delivery-store.js';
import { endpointFor, type WebhookRouteDeps } from './webhook-routes.js';

/** An endpoint's deliveries (cursor paged, newest first) and the manual retry of dead letters. */
export function deliveryRoutes(deps: WebhookRouteDeps & { deliveries: DeliveryStore; ring: KeyRing }): Router {
  const router = Router();

  route(router, ops.list, async ({ res, principal: p, params, query }) => {
    const endpoint = await endpointFor(deps, p, params.id);
    const { status } = query;
    const digest = queryDigest({ webhook: endpoint.id, status });
    const { limit, cursor } = pageRequest(query, deps.ring, digest);
    const page = await deps.deliveries.page(endpoint.ownerId, endpoint.id, status, limit, cursor);
    res.setHeader('Cache-Control', 'no-store').json({ items: page.items.map(publicDelivery), ...pageCursors(deps.ring, digest, page) });
  });

  route(router, ops.retry, async ({ res, principal: p, params }) => {
    const endpoint = await endpointFor(deps, p, params.id);
    const id = params.deliveryId;
    const d = isImageId(id) ? await deps.deliveries.get(endpoint.ownerId, id) : undefined;
    if (!d || d.endpointId !== endpoint.id) throw notFound('delivery_not_found', `no delivery ${id} for this webhook endpoint`);
    if (!endpoint.enabled) throw conflict('webhook_disabled', 'the endpoint is disabled: enable it (PATCH {"enabled": true}) before retrying');
    if (!(await deps.deliveries.retry(d, Date.now()))) throw conflict('delivery_not_dead', `only dead deliveries are retried by hand; this one is ${d.status}`);
    res.locals.log.info({ webhookId: endpoint.id, deliveryId: id }, 'dead webhook delivery retried');
    res.setHeader('Cache-Control', 'no-store').json(publicDelivery((await deps.deliveries.get(endpoint.ownerId, id)) ?? d));
  });

  return router;
}
