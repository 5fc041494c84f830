import { z } from 'zod';
import { defineOperations } from './openapi/operation.js';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });
const readiness = z.object({ status: z.enum(['ready', 'not_ready']), role: z.string(), checks: z.object({ redis: check, storage: check, accepting: z.boolean() }).catchall(check) });

export const healthOperations = defineOperations({
  healthz: {
    method: 'get', path: '/healthz', operationId: 'liveness', tags: ['operations'], auth: 'none',
    summary: 'Liveness: the process answers',
    responses: { 200: { description: 'Alive', json: z.object({ status: z.literal('ok'), role: z.string() }) } },
  },
  readyz: {
    method: 'get', path: '/readyz', operationId: 'readiness', tags: ['operations'], auth: 'none',
    summary: 'Readiness: Redis, storage and the role\'s own checks answer, and shutdown has not begun',
    responses: { 200: { description: 'Ready', json: readiness }, 503: { description: 'Not ready (which check failed is in checks)', json: readiness } },
  },
  metrics: {
    method: 'get', path: '/metrics', operationId: 'metrics', tags: ['operations'], auth: 'none',
    summary: 'Prometheus metrics (OpenTelemetry instruments)',
    responses: { 200: { description: 'The Prometheus text format', content: { 'text/plain': { type: 'string' } } } },
  },
});
