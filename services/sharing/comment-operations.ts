import { z } from 'zod';
import { cursorsShape, errorResponse, timestampSchema, ulidSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { personSchema } from '../accounts/people.js';
import { imageIdParams } from '../images/image-operations.js';
import { commentBodySchema } from './comment-body.js';
import { pageQuery } from '../http/page-params.js';

export const newCommentSchema = z.strictObject({ body: commentBodySchema.describe('plain text, 1 to 2000 characters after trimming; line feeds and tabs allowed, other control characters refused') });

const commentParams = z.object({ id: z.string().describe('the image id (a ULID)'), commentId: z.string().describe('the comment id') });

export const commentSchema = z
  .object({
    id: ulidSchema.describe('a ULID of when it was written'),
    imageId: z.string(),
    authorId: z.string(),
    author: personSchema.nullable().describe('the author\'s handle and display name; null once their account is deleted'),
    body: z.string().describe('plain text exactly as accepted (trimmed); never HTML'),
    createdAt: timestampSchema,
  })
  .meta({ id: 'Comment' });

export const commentPageSchema = z.object({
  items: z.array(commentSchema).describe('oldest first'),
  commentsEnabled: z.boolean().describe('whether new comments are accepted'),
  ...cursorsShape,
});

const notFound = errorResponse('No such image, or one the caller may not see (the same answer)');

export const commentOperations = defineOperations({
  create: {
    method: 'post', path: '/v1/images/:id/comments', operationId: 'createComment', tags: ['comments'], auth: 'key', scope: 'images:write',
    summary: 'Comment on an image the caller may see, while its owner allows comments',
    params: imageIdParams, body: newCommentSchema,
    headers: z.object({ 'idempotency-key': z.string().optional().describe('1 to 128 visible ASCII characters: a retry with the same key (and body) answers the comment the first attempt made, never a second one') }),
    responses: {
      201: { description: 'Written', json: commentSchema },
      200: { description: 'A retry with the same Idempotency-Key: the comment written before', json: commentSchema },
      422: errorResponse('The Idempotency-Key was used for a different comment (`idempotency_key_reused`)'),
      503: { ...errorResponse('Storage or the index could not take the comment (`storage_unavailable`, `index_unavailable`); nothing was posted: retry'), headers: { 'Retry-After': 'seconds to wait' } },
      400: errorResponse('A malformed body (`invalid_body`) or image id'),
      403: errorResponse('The key lacks images:write, or the owner turned comments off (`comments_disabled`)'),
      404: notFound,
      429: { ...errorResponse('Over IMGSVC_COMMENT_RATE for this user'), headers: { 'Retry-After': 'seconds until a comment is accepted again', 'RateLimit-Limit': 'comments per window', 'RateLimit-Remaining': 'comments left in the window', 'RateLimit-Reset': 'seconds until the window resets', 'RateLimit-Policy': '`<limit>;w=<window seconds>`' } },
    },
  },
  list: {
    method: 'get', path: '/v1/images/:id/comments', operationId: 'listComments', tags: ['comments'], auth: 'optional', scope: 'images:read',
    summary: 'An image\'s comments, oldest first', params: imageIdParams, query: pageQuery,
    responses: {
      200: { description: 'One page', json: commentPageSchema },
      400: errorResponse('A malformed image id, parameter or cursor'),
      403: errorResponse('The key lacks images:read'),
      404: notFound,
    },
  },
  remove: {
    method: 'delete', path: '/v1/images/:id/comments/:commentId', operationId: 'deleteComment', tags: ['comments'], auth: 'key', scope: 'images:write',
    summary: 'Delete a comment (its author, or the image\'s owner)', params: commentParams,
    responses: {
      204: { description: 'Deleted' },
      400: errorResponse('A malformed image id'),
      403: errorResponse('The key lacks images:write, or the caller is neither the comment\'s author nor the image\'s owner (`not_author`)'),
      404: errorResponse('No such image, or one the caller may not see; or no such comment on it (`comment_not_found`)'),
    },
  },
});
