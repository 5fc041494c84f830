import { z } from 'zod';
import { errorResponse, timestampSchema } from '../../http/openapi/common-schemas.js';
import { defineOperations } from '../../http/openapi/operation.js';
import { eventTypeSchema } from '../event-types.js';
import { MAX_WEBHOOK_URL_LENGTH } from './url-guard.js';

// The URL's own checks (scheme, length, address) give the precise messages: here only its type.
const url = z.string({ error: 'expected a URL string' }).min(1).max(MAX_WEBHOOK_URL_LENGTH * 2).describe('an https URL (http only with IMGSVC_WEBHOOK_ALLOW_PRIVATE) on a public address');
const events = z.array(eventTypeSchema, { error: 'expected an array of event types' }).min(1, 'expected at least one event type (omit it for all)').max(50);

export const createWebhookSchema = z.strictObject({
  url,
  events: events.optional().describe('the event types it receives; omitted: all, including types added later'),
  description: z.string().max(500).optional(),
});

export const patchWebhookSchema = z.strictObject({
  url: url.optional(),
  events: events.nullable().optional().describe('null: all types'),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional().describe('true re-enables a disabled endpoint; false disables it (`manual`)'),
});

/** `:id` as text: anything but an endpoint the caller may manage is the same 404 (`webhook_not_found`). */
export const webhookParams = z.object({ id: z.string().describe('the webhook endpoint id') });

export const webhookSchema = z
  .object({
    id: z.string(),
    ownerId: z.string(),
    scope: z.enum(['all', 'owner']).describe('`all`: registered by an admin, receives every event; `owner`: events about the owner\'s things'),
    url: z.string(),
    events: z.array(eventTypeSchema).nullable().describe('null: every type'),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z.enum(['gone', 'manual']).nullable().describe('`gone`: the receiver answered 410; `manual`: by PATCH'),
    disabledAt: timestampSchema.nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    previousSecretExpiresAt: timestampSchema.nullable().describe('while a rotated-out secret still signs alongside the new one'),
  })
  .meta({ id: 'WebhookEndpoint' });

const withSecret = z.object({ ...webhookSchema.shape, secret: z.string().describe('the signing secret (`whsec_…`), shown only here') });

const notFound = errorResponse('No such endpoint, or one the caller may not manage (the same answer: `webhook_not_found`)');

export const webhookOperations = defineOperations({
  create: {
    method: 'post', path: '/v1/webhooks', operationId: 'createWebhook', tags: ['webhooks'], auth: 'key', scope: 'images:write',
    summary: 'Register a webhook endpoint (an admin\'s receives every event, a user\'s those about their own things)',
    body: createWebhookSchema,
    responses: {
      201: { description: 'Registered; the secret is shown this once', json: withSecret },
      400: errorResponse('A malformed body (`invalid_body`) or a URL refused (scheme, length, a private or unresolvable address)'),
      403: errorResponse('The key lacks images:write'),
      409: errorResponse('The caller already has the most endpoints allowed (`too_many_webhooks`)'),
    },
  },
  list: {
    method: 'get', path: '/v1/webhooks', operationId: 'listWebhooks', tags: ['webhooks'], auth: 'key', scope: 'images:read',
    summary: 'The caller\'s endpoints (an admin\'s listing shows every endpoint)',
    responses: { 200: { description: 'The endpoints', json: z.object({ items: z.array(webhookSchema) }) }, 403: errorResponse('The key lacks images:read') },
  },
  get: {
    method: 'get', path: '/v1/webhooks/:id', operationId: 'getWebhook', tags: ['webhooks'], auth: 'key', scope: 'images:read',
    summary: 'An endpoint', params: webhookParams,
    responses: { 200: { description: 'The endpoint', json: webhookSchema }, 403: errorResponse('The key lacks images:read'), 404: notFound },
  },
  patch: {
    method: 'patch', path: '/v1/webhooks/:id', operationId: 'patchWebhook', tags: ['webhooks'], auth: 'key', scope: 'images:write',
    summary: 'Change an endpoint\'s URL, events, description, or enable/disable it', params: webhookParams, body: patchWebhookSchema,
    responses: {
      200: { description: 'The endpoint as changed', json: webhookSchema },
      400: errorResponse('A malformed body (`invalid_body`) or a URL refused'),
      403: errorResponse('The key lacks images:write'),
      404: notFound,
    },
  },
  remove: {
    method: 'delete', path: '/v1/webhooks/:id', operationId: 'deleteWebhook', tags: ['webhooks'], auth: 'key', scope: 'images:write',
    summary: 'Delete an endpoint and its delivery listings', params: webhookParams,
    responses: { 204: { description: 'Deleted' }, 403: errorResponse('The key lacks images:write'), 404: notFound },
  },
  rotateSecret: {
    method: 'post', path: '/v1/webhooks/:id/rotate-secret', operationId: 'rotateWebhookSecret', tags: ['webhooks'], auth: 'key', scope: 'images:write',
    summary: 'A new signing secret; the previous one keeps signing alongside it for 24 h (send no body)', params: webhookParams,
    responses: {
      200: { description: 'Rotated; the new secret is shown this once', json: withSecret },
      400: errorResponse('A body was sent (`invalid_body`)'),
      403: errorResponse('The key lacks images:write'),
      404: notFound,
    },
  },
});
