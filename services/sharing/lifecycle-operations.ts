import { z } from 'zod';
import { errorResponse, timestampSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { imageIdParams } from '../images/image-operations.js';
import { imagePageSchema, imageSchema } from '../images/image-schemas.js';
import { tagSchema } from '../images/metadata.js';
import { ownerQuery, pageQuery } from '../http/page-params.js';

export const listQuery = z.object({
  ...ownerQuery.shape,
  tag: tagSchema.optional().describe('only images with this tag (case-insensitive)'),
  status: z.enum(['processing', 'ready', 'failed'], { error: 'expected processing, ready or failed for status' }).optional(),
  sort: z.enum(['uploaded', 'taken'], { error: 'expected uploaded or taken for sort' }).optional().describe('uploaded (default): newest upload first; taken: newest date taken first (EXIF, else the upload time), over the newest 5000 uploads'),
  ...pageQuery.shape,
});

export const deleteQuery = z.object({
  purge: z.enum(['true', 'false'], { error: (i) => `expected true or false for purge but received ${JSON.stringify(i.input)}` }).optional().describe('true: erase now instead of moving to the trash'),
});

const trashPageSchema = z.object({ ...imagePageSchema.shape, items: z.array(z.object({ ...imageSchema.shape, eraseAt: timestampSchema })) });
const notFound = errorResponse('No such image, or one the caller may not see (the same answer)');

export const lifecycleOperations = defineOperations({
  list: {
    method: 'get', path: '/v1/images', operationId: 'listImages', tags: ['images'], auth: 'optional', scope: 'images:read',
    summary: 'A user\'s images, newest first, in pages (only what the caller may see)',
    query: listQuery,
    responses: { 200: { description: 'One page', json: imagePageSchema }, 400: errorResponse('A malformed parameter or cursor'), 403: errorResponse('The key lacks images:read') },
  },
  trash: {
    method: 'get', path: '/v1/trash', operationId: 'listTrash', tags: ['images'], auth: 'key', scope: 'images:read',
    summary: 'The caller\'s deleted images and when each will be erased',
    query: listQuery,
    responses: { 200: { description: 'One page', json: trashPageSchema }, 400: errorResponse('A malformed parameter or cursor'), 403: errorResponse('The key lacks images:read'), 404: errorResponse('Another user\'s trash') },
  },
  delete: {
    method: 'delete', path: '/v1/images/:id', operationId: 'deleteImage', tags: ['images'], auth: 'key', scope: 'images:write',
    summary: 'Move an image to the trash (erased after IMGSVC_ERASE_AFTER), or erase it now',
    params: imageIdParams,
    query: deleteQuery,
    responses: {
      200: {
        description: 'In the trash (eraseAt), or erased (erasedAt)',
        json: z.union([z.object({ id: z.string(), deletedAt: timestampSchema, eraseAt: timestampSchema }), z.object({ id: z.string(), deletedAt: timestampSchema, erasedAt: timestampSchema })]),
      },
      400: errorResponse('A malformed parameter'),
      403: errorResponse('Not the owner (nor an admin), or the key lacks images:write'),
      404: notFound,
    },
  },
  restore: {
    method: 'post', path: '/v1/images/:id/restore', operationId: 'restoreImage', tags: ['images'], auth: 'key', scope: 'images:write',
    summary: 'Take an image out of the trash',
    params: imageIdParams,
    responses: { 200: { description: 'The restored record', json: imageSchema }, 403: errorResponse('The key lacks images:write'), 404: notFound, 410: errorResponse('Already erased') },
  },
});
