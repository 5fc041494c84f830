import { z } from 'zod';
import { errorResponse } from './common-schemas.js';
import { defineOperations } from './operation.js';
import { DOCS_ASSETS } from './docs-assets.js';

export const docsOperations = defineOperations({
  openapi: {
    method: 'get', path: '/openapi.json', operationId: 'getOpenApi', tags: ['operations'], auth: 'none',
    summary: 'This document (OpenAPI 3.1)',
    responses: { 200: { description: 'The OpenAPI description of the whole HTTP API', json: z.record(z.string(), z.unknown()) } },
  },
  page: {
    method: 'get', path: '/docs', operationId: 'getDocs', tags: ['operations'], auth: 'none',
    summary: 'The API reference for people (Swagger UI, served from this server)',
    responses: { 200: { description: 'An HTML page', content: { 'text/html': { type: 'string' } } } },
  },
  asset: {
    method: 'get', path: '/docs/:asset', operationId: 'getDocsAsset', tags: ['operations'], auth: 'none',
    summary: 'The page\'s scripts, styles and icon',
    params: z.object({ asset: z.enum(DOCS_ASSETS as [string, ...string[]]) }),
    responses: { 200: { description: 'The file', content: { 'text/css': { type: 'string' }, 'text/javascript': { type: 'string' }, 'image/png': {} } }, 404: errorResponse('No such asset') },
  },
});
