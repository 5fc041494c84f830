import { z } from 'zod';
import { errorResponse, ulidSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { imageIdParams } from '../images/image-operations.js';
import { pageQuery } from '../http/page-params.js';
import { favoritePageSchema, favoriteStateSchema } from './sharing-schemas.js';

export const favoriteOperations = defineOperations({
  add: {
    method: 'put', path: '/v1/images/:id/favorite', operationId: 'addFavorite', tags: ['favorites'], auth: 'key', scope: 'images:write',
    summary: 'Favorite an image the caller may see (idempotent)',
    params: imageIdParams,
    responses: { 200: { description: 'Favorited', json: favoriteStateSchema }, 403: errorResponse('The key lacks images:write'), 404: errorResponse('No such image, or one the caller may not see') },
  },
  remove: {
    method: 'delete', path: '/v1/images/:id/favorite', operationId: 'removeFavorite', tags: ['favorites'], auth: 'key', scope: 'images:write',
    summary: 'Unfavorite (always 204 for a well-formed id: it says nothing of the image)',
    params: z.object({ id: ulidSchema.describe('the image id') }),
    responses: { 204: { description: 'Not (or no longer) a favorite' }, 400: errorResponse('Not an image id'), 403: errorResponse('The key lacks images:write') },
  },
  list: {
    method: 'get', path: '/v1/me/favorites', operationId: 'listFavorites', tags: ['favorites'], auth: 'key', scope: 'images:read',
    summary: 'The caller\'s favorites still visible to them, newest first',
    query: pageQuery,
    responses: { 200: { description: 'One page', json: favoritePageSchema }, 400: errorResponse('A malformed parameter or cursor'), 403: errorResponse('The key lacks images:read') },
  },
});
