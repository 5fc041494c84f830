import { z } from 'zod';
import { errorResponse, timestampSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { imageIdParams } from '../images/image-operations.js';

const oneOf = (name: string, values: readonly [string, ...string[]]) =>
  z.enum(values, { error: (i) => `expected ${values.join(' or ')} for ${name} but received ${JSON.stringify(i.input)}` });

export const statsQuery = z.object({
  from: z.string().optional().describe('ISO 8601 time or epoch milliseconds (default: 24 hours before to)'),
  to: z.string().optional().describe('ISO 8601 time or epoch milliseconds (default: now)'),
  granularity: oneOf('granularity', ['hour', 'day']).optional().describe('series buckets (default hour; at most 31 days of hours, 92 of days)'),
});
export const topQuery = z.object({
  window: oneOf('window', ['1h', '24h', '7d']).optional().describe('default 24h'),
  by: oneOf('by', ['requests', 'bytes']).optional().describe('default requests'),
  limit: z.string().optional().describe('1 to 1000 (default 10)'),
});

const counts = { requests: z.number(), bytes: z.number(), savedBytes: z.number() };
const tally = z.record(z.string(), z.number());
const statsSchema = z.object({
  id: z.string(),
  from: timestampSchema,
  to: timestampSchema,
  granularity: z.enum(['hour', 'day']),
  allTime: z.object({ ...counts, byFormat: tally, byDevice: tally, byVariant: tally }),
  range: z.object({ ...counts, distinctViewers: z.number() }),
  series: z.array(z.object({ t: timestampSchema, ...counts })),
});
const topSchema = z.object({ window: z.enum(['1h', '24h', '7d']), by: z.enum(['requests', 'bytes']), images: z.array(z.object({ id: z.string(), value: z.number() })) });
const summarySchema = z.object({ ...counts, uploads: z.number().int(), hitRatio: z.number().nullable().describe('served without a transform, of all /i/ responses'), byTier: tally, byFormat: tally, byDevice: tally });
const needsAdmin = errorResponse('Not an admin');

export const analyticsOperations = defineOperations({
  stats: {
    method: 'get', path: '/v1/images/:id/stats', operationId: 'getImageStats', tags: ['analytics'], auth: 'key', scope: 'images:read',
    summary: 'An image\'s requests, bytes and viewers over time (its owner\'s and admins\')', params: imageIdParams, query: statsQuery,
    responses: { 200: { description: 'The statistics', json: statsSchema }, 400: errorResponse('A malformed or too long range'), 403: errorResponse('Not the owner (nor an admin), or the key lacks images:read'), 404: errorResponse('No such image, or one the caller may not see') },
  },
  top: {
    method: 'get', path: '/v1/analytics/top', operationId: 'getTopImages', tags: ['analytics'], auth: 'key', scope: 'admin',
    summary: 'The most requested images', query: topQuery,
    responses: { 200: { description: 'The top images', json: topSchema }, 400: errorResponse('A malformed parameter'), 403: needsAdmin },
  },
  summary: {
    method: 'get', path: '/v1/analytics/summary', operationId: 'getAnalyticsSummary', tags: ['analytics'], auth: 'key', scope: 'admin',
    summary: 'Fleet-wide totals',
    responses: { 200: { description: 'The totals', json: summarySchema }, 403: needsAdmin },
  },
});
