import { z } from 'zod';
import { errorResponse } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { userSchema } from './account-operations.js';

export const viewerParams = z.object({
  userId: z
    .string()
    .regex(/^(?:[0-7][0-9A-HJKMNP-TV-Z]{25}|[a-zA-Z0-9][a-zA-Z0-9._-]{1,31})$/, 'expected a 26-character user id or a handle')
    .describe('the viewer\'s user id or handle'),
});

export const viewerOperations = defineOperations({
  grant: {
    method: 'put', path: '/v1/me/viewers/:userId', operationId: 'addViewer', tags: ['accounts'], auth: 'key', scope: 'images:write',
    summary: 'Let a user see every one of the caller\'s private images', params: viewerParams,
    responses: { 200: { description: 'Granted', json: z.object({ ownerId: z.string(), viewer: userSchema }) }, 400: errorResponse('Not a user id, or the caller themself'), 403: errorResponse('The key lacks images:write'), 404: errorResponse('No such user') },
  },
  revoke: {
    method: 'delete', path: '/v1/me/viewers/:userId', operationId: 'removeViewer', tags: ['accounts'], auth: 'key', scope: 'images:write',
    summary: 'Take a viewer\'s grant back', params: viewerParams,
    responses: { 204: { description: 'Not (or no longer) a viewer' }, 400: errorResponse('Not a user id'), 403: errorResponse('The key lacks images:write') },
  },
  list: {
    method: 'get', path: '/v1/me/viewers', operationId: 'listViewers', tags: ['accounts'], auth: 'key', scope: 'images:read',
    summary: 'The caller\'s viewers',
    responses: { 200: { description: 'The viewers', json: z.object({ items: z.array(userSchema) }) }, 403: errorResponse('The key lacks images:read') },
  },
});
