import { z } from 'zod';
import { cursorsShape, errorResponse, timestampSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { personSchema } from '../accounts/people.js';
import { isImageId } from '../core/ids.js';
import { pageQuery } from '../http/page-params.js';

const notificationId = z.string({ error: 'expected notification ids as strings' }).refine(isImageId, 'expected 26-character notification ids');

export const markReadSchema = z
  .strictObject({
    ids: z.array(notificationId).min(1, 'expected at least one id').max(500, 'expected at most 500 ids').optional().describe('these notifications'),
    upTo: notificationId.optional().describe('this notification and every older one'),
    all: z.literal(true, { error: 'expected true for all' }).optional().describe('every notification'),
  })
  .refine((b) => [b.ids, b.upTo, b.all].filter((v) => v !== undefined).length === 1, 'expected exactly one of ids, upTo or all')
  .describe('exactly one of `ids`, `upTo` or `all`');

export const notificationSchema = z
  .object({
    id: z.string(),
    imageId: z.string(),
    count: z.number().int().describe('comments in this batch'),
    latest: z.array(z.object({ commentId: z.string(), authorId: z.string(), author: personSchema.nullable().describe('null once the author\'s account is deleted') })).describe('the latest comments of the batch, newest last'),
    firstAt: timestampSchema,
    lastAt: timestampSchema,
    read: z.boolean(),
  })
  .meta({ id: 'Notification' });

const unreadCount = z.number().int().describe('unread notifications about images the caller may still see');

export const notificationOperations = defineOperations({
  list: {
    method: 'get', path: '/v1/me/notifications', operationId: 'listNotifications', tags: ['notifications'], auth: 'key', scope: 'images:read',
    summary: 'The caller\'s notifications (comment batches on their images), newest first; those about images they may no longer see are left out',
    query: pageQuery,
    responses: {
      200: { description: 'One page', json: z.object({ items: z.array(notificationSchema), unreadCount, ...cursorsShape }) },
      400: errorResponse('A malformed parameter or cursor'),
      403: errorResponse('The key lacks images:read'),
    },
  },
  markRead: {
    method: 'post', path: '/v1/me/notifications/read', operationId: 'markNotificationsRead', tags: ['notifications'], auth: 'key', scope: 'images:write',
    summary: 'Mark notifications read', body: markReadSchema,
    responses: {
      200: { description: 'Marked', json: z.object({ unreadCount }) },
      400: errorResponse('A malformed body (`invalid_body`)'),
      403: errorResponse('The key lacks images:write'),
    },
  },
});
