import { Router } from 'express';
import { route } from '../../access/api-route.js';
import { check, ownerFilter } from '../../access/permissions.js';
import { webhookScopeFor } from '../../access/webhook-access.js';
import { badRequest, conflict, notFound } from '../../core/errors.js';
import { isImageId, newImageId } from '../../core/ids.js';
import type { WebhookAllowLevel } from '../../core/webhook-settings.js';
import type { Principal } from '../../accounts/principal.js';
import { ROTATION_OVERLAP_MS, publicEndpoint, type WebhookEndpoint } from './endpoint.js';
import type { EndpointStore } from './endpoint-store.js';
import type { SecretBox } from './secret-box.js';
import { newWebhookSecret } from './signature.js';
import { assertWebhookUrl } from './url-guard.js';
import { webhookOperations as ops } from './webhook-operations.js';

/** Endpoints one user may register; an admin's listing shows every endpoint. */
export const MAX_WEBHOOKS_PER_OWNER = 50;

export interface WebhookRouteDeps {
  endpoints: EndpointStore;
  box: SecretBox;
  allow: WebhookAllowLevel;
}

/** Looks an endpoint up for the caller: another user's is as unknown as a missing id. */
export async function endpointFor(deps: WebhookRouteDeps, p: Principal, id: string): Promise<WebhookEndpoint> {
  const missing = () => notFound('webhook_not_found', `no webhook endpoint with id ${id}`);
  if (!isImageId(id)) throw missing();
  const endpoint = await deps.endpoints.get(id);
  if (!endpoint || check('webhook.manage', p, { endpoint }) !== 'allow') throw missing();
  return endpoint;
}

/** Webhook endpoints: register, list, read, change, delete them and rotate their secrets. */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = Router();

  route(router, ops.create, async ({ res, principal: p, body }) => {
    await assertWebhookUrl(body.url, deps.allow);
    if ((await deps.endpoints.countOf(p.userId)) >= MAX_WEBHOOKS_PER_OWNER) {
      throw conflict('too_many_webhooks', `expected at most ${MAX_WEBHOOKS_PER_OWNER} webhook endpoints per user; delete one first`);
    }
    const now = new Date().toISOString();
    const id = newImageId();
    const secret = newWebhookSecret();
    const endpoint: WebhookEndpoint = {
      id,
      ownerId: p.userId,
      scope: webhookScopeFor(p),
      url: body.url,
      events: body.events ? [...new Set(body.events)] : null,
      description: body.description ?? null,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      createdAt: now,
      updatedAt: now,
      secrets: [{ sealed: deps.box.seal(secret, id), createdAt: now }],
    };
    await deps.endpoints.save(endpoint);
    res.locals.log.info({ webhookId: id, scope: endpoint.scope }, 'webhook endpoint registered');
    // The secret is shown this once; afterwards only a rotation reveals a (new) one.
    res.status(201).setHeader('Cache-Control', 'no-store').json({ ...publicEndpoint(endpoint), secret });
  });

  route(router, ops.list, async ({ res, principal: p }) => {
    const items = await deps.endpoints.list(ownerFilter('webhooks.list', p));
    res.setHeader('Cache-Control', 'no-store').json({ items: items.map((e) => publicEndpoint(e)) });
  });

  route(router, ops.get, async ({ res, principal: p, params }) => {
    res.setHeader('Cache-Control', 'no-store').json(publicEndpoint(await endpointFor(deps, p, params.id)));
  });

  route(router, ops.patch, async ({ res, principal: p, params, body }) => {
    const found = await endpointFor(deps, p, params.id);
    if (body.url !== undefined) await assertWebhookUrl(body.url, deps.allow);
    const current = (await deps.endpoints.read(found.id)) ?? found;
    const now = new Date().toISOString();
    const next: WebhookEndpoint = { ...current, updatedAt: now };
    if (body.url !== undefined) next.url = body.url;
    if (body.events !== undefined) next.events = body.events === null ? null : [...new Set(body.events)];
    if (body.description !== undefined) next.description = body.description;
    if (body.enabled === true) Object.assign(next, { enabled: true, disabledReason: null, disabledAt: null });
    if (body.enabled === false && current.enabled) Object.assign(next, { enabled: false, disabledReason: 'manual', disabledAt: now });
    await deps.endpoints.save(next);
    res.setHeader('Cache-Control', 'no-store').json(publicEndpoint(next));
  });

  route(router, ops.remove, async ({ res, principal: p, params }) => {
    const endpoint = await endpointFor(deps, p, params.id);
    await deps.endpoints.remove(endpoint);
    res.locals.log.info({ webhookId: endpoint.id }, 'webhook endpoint deleted');
    res.status(204).end();
  });

  route(router, ops.rotateSecret, async ({ req, res, principal: p, params }) => {
    const found = await endpointFor(deps, p, params.id);
    if (req.body !== undefined && Object.keys(req.body as object).length > 0) throw badRequest('invalid_body', 'expected no body');
    const current = (await deps.endpoints.read(found.id)) ?? found;
    const now = Date.now();
    const secret = newWebhookSecret();
    const at = new Date(now).toISOString();
    // The previous secret keeps signing alongside the new one for 24 h; any older one is gone.
    const previous = current.secrets[0] ? [{ ...current.secrets[0], expiresAt: new Date(now + ROTATION_OVERLAP_MS).toISOString() }] : [];
    const next: WebhookEndpoint = { ...current, updatedAt: at, secrets: [{ sealed: deps.box.seal(secret, current.id), createdAt: at }, ...previous] };
    await deps.endpoints.save(next);
    res.locals.log.info({ webhookId: current.id }, 'webhook secret rotated');
    res.setHeader('Cache-Control', 'no-store').json({ ...publicEndpoint(next, now), secret });
  });

  return router;
}
