import { z } from 'zod';
import { cursorsShape, errorResponse, timestampSchema } from '../../http/openapi/common-schemas.js';
import { defineOperations } from '../../http/openapi/operation.js';
import { pageQuery } from '../../http/page-params.js';
import { DELIVERY_STATUSES } from './delivery-store.js';
import { webhookParams } from './webhook-operations.js';

const status = z
  .enum(DELIVERY_STATUSES, { error: (i) => `expected one of ${DELIVERY_STATUSES.join(', ')} for status but received ${JSON.stringify(i.input)}` })
  .optional()
  .describe('only deliveries in this state');

export const deliveryQuery = z.object({ status, ...pageQuery.shape });

export const deliverySchema = z
  .object({
    id: z.string(),
    endpointId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES).describe('`pending` (not yet tried), `failed` (will be retried), `delivered`, `dead` (retries exhausted)'),
    attempts: z.number().int(),
    nextAttemptAt: timestampSchema.nullable(),
    lastAttemptAt: timestampSchema.nullable(),
    lastStatus: z.number().int().nullable().describe('the receiver\'s last HTTP status; null when it gave none'),
    lastError: z.string().nullable(),
    doneAt: timestampSchema.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });

const notFound = errorResponse('No such endpoint, or one the caller may not manage (`webhook_not_found`)');

export const deliveryOperations = defineOperations({
  list: {
    method: 'get', path: '/v1/webhooks/:id/deliveries', operationId: 'listWebhookDeliveries', tags: ['webhooks'], auth: 'key', scope: 'images:read',
    summary: 'An endpoint\'s deliveries, newest first', params: webhookParams, query: deliveryQuery,
    responses: {
      200: { description: 'One page', json: z.object({ items: z.array(deliverySchema), ...cursorsShape }) },
      400: errorResponse('A malformed parameter or cursor'),
      403: errorResponse('The key lacks images:read'),
      404: notFound,
    },
  },
  retry: {
    method: 'post', path: '/v1/webhooks/:id/deliveries/:deliveryId/retry', operationId: 'retryWebhookDelivery', tags: ['webhooks'], auth: 'key', scope: 'images:write',
    summary: 'Retry a dead delivery by hand', params: z.object({ ...webhookParams.shape, deliveryId: z.string().describe('the delivery id') }),
    responses: {
      200: { description: 'Scheduled again', json: deliverySchema },
      403: errorResponse('The key lacks images:write'),
      404: errorResponse('No such endpoint the caller may manage (`webhook_not_found`), or no such delivery of it (`delivery_not_found`)'),
      409: errorResponse('The endpoint is disabled (`webhook_disabled`), or the delivery is not dead (`delivery_not_dead`)'),
    },
  },
});
