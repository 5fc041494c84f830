import { z } from 'zod';
import { errorResponse, ulidSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { imagePageSchema } from '../images/image-schemas.js';
import { MAX_ALBUM_ITEMS } from './album-store.js';
import { text } from '../images/metadata.js';
import { ownerQuery, pageQuery } from '../http/page-params.js';
import { albumPageSchema, albumSchema } from './sharing-schemas.js';

const imageId = ulidSchema.describe('an image id');
const title = text('title', 200).pipe(z.string().min(1, 'expected a title of at least one character'));
const description = text('description', 5000, true);
export const createAlbumSchema = z.strictObject({ title, description: description.optional() });
export const patchAlbumSchema = z.strictObject({
  title: title.optional(),
  description: description.nullable().optional(),
  coverImageId: imageId.nullable().optional(),
  imageIds: z.array(imageId).max(MAX_ALBUM_ITEMS).optional().describe('the album\'s items in their new order: exactly the items it holds'),
});

const albumParams = z.object({ id: z.string().describe('the album id') });
const itemParams = z.object({ id: z.string().describe('the album id'), imageId: z.string().describe('the image id') });
const notFound = errorResponse('No such album, or one the caller may not see (the same answer)');
const cannotManage = errorResponse('Not the owner (nor an admin), or the key lacks images:write');

export const albumOperations = defineOperations({
  create: {
    method: 'post', path: '/v1/albums', operationId: 'createAlbum', tags: ['albums'], auth: 'key', scope: 'images:write',
    summary: 'Create an album', body: createAlbumSchema,
    responses: { 201: { description: 'Created', json: albumSchema }, 400: errorResponse('A malformed field'), 403: errorResponse('The key lacks images:write') },
  },
  list: {
    method: 'get', path: '/v1/albums', operationId: 'listAlbums', tags: ['albums'], auth: 'optional', scope: 'images:read',
    summary: 'A user\'s albums the caller may see', query: z.object({ ...ownerQuery.shape, ...pageQuery.shape }),
    responses: { 200: { description: 'One page', json: albumPageSchema }, 400: errorResponse('A malformed parameter or cursor'), 403: errorResponse('The key lacks images:read') },
  },
  get: {
    method: 'get', path: '/v1/albums/:id', operationId: 'getAlbum', tags: ['albums'], auth: 'optional', scope: 'images:read',
    summary: 'An album', params: albumParams,
    responses: { 200: { description: 'The album', json: albumSchema }, 400: errorResponse('Not an album id'), 403: errorResponse('The key lacks images:read'), 404: notFound },
  },
  patch: {
    method: 'patch', path: '/v1/albums/:id', operationId: 'updateAlbum', tags: ['albums'], auth: 'key', scope: 'images:write',
    summary: 'Rename, describe, choose the cover or reorder', params: albumParams, body: patchAlbumSchema,
    responses: { 200: { description: 'The updated album', json: albumSchema }, 400: errorResponse('A malformed field, an order that is not the album\'s items, or a cover not in it'), 403: cannotManage, 404: notFound },
  },
  delete: {
    method: 'delete', path: '/v1/albums/:id', operationId: 'deleteAlbum', tags: ['albums'], auth: 'key', scope: 'images:write',
    summary: 'Delete an album (its images stay)', params: albumParams,
    responses: { 204: { description: 'Deleted' }, 400: errorResponse('Not an album id'), 403: cannotManage, 404: notFound },
  },
  addItem: {
    method: 'put', path: '/v1/albums/:id/images/:imageId', operationId: 'addAlbumImage', tags: ['albums'], auth: 'key', scope: 'images:write',
    summary: 'Add one of the owner\'s images at the end (idempotent)', params: itemParams,
    responses: {
      200: { description: 'Where the image is', json: z.object({ albumId: z.string(), imageId: z.string(), position: z.number().int() }) },
      400: errorResponse('A malformed id'),
      409: errorResponse('The album is full'),
      403: errorResponse('Not the album\'s owner, the image is another user\'s, or the key lacks images:write'),
      404: notFound,
    },
  },
  removeItem: {
    method: 'delete', path: '/v1/albums/:id/images/:imageId', operationId: 'removeAlbumImage', tags: ['albums'], auth: 'key', scope: 'images:write',
    summary: 'Take an image out of the album', params: z.object({ id: z.string().describe('the album id'), imageId: ulidSchema.describe('the image id') }),
    responses: { 204: { description: 'Not (or no longer) in the album' }, 400: errorResponse('A malformed id'), 403: cannotManage, 404: notFound },
  },
  items: {
    method: 'get', path: '/v1/albums/:id/images', operationId: 'listAlbumImages', tags: ['albums'], auth: 'optional', scope: 'images:read',
    summary: 'The album\'s images the caller may see, in album order', params: albumParams, query: pageQuery,
    responses: { 200: { description: 'One page', json: imagePageSchema }, 400: errorResponse('A malformed parameter or cursor'), 403: errorResponse('The key lacks images:read'), 404: notFound },
  },
});
