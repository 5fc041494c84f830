import { z } from 'zod';
import { errorResponse } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { withErrorCode } from '../http/openapi/parse-request.js';
import { DEFAULT_EVENTS_LIMIT, MAX_EVENTS_LIMIT } from './event-query.js';
import { EVENT_TYPES, eventTypeSchema } from './event-types.js';

/**
 * The parameters as text: parseEventQuery checks each with its own code (`invalid_event_id`,
 * `unknown_event_type`), so the schema only names and types them; the same codes mark a
 * parameter given twice, which the schema refuses.
 */
export const eventQuery = z.object({
  after: withErrorCode(z.string().optional().describe('the previous page\'s `next` (an opaque cursor), or an event id (`<ms>-<seq>.<shard>`): events strictly after it; absent: from the oldest retained'), 'invalid_event_id'),
  limit: z.string().optional().meta({ description: `events per page, 1 to ${MAX_EVENTS_LIMIT} (default ${DEFAULT_EVENTS_LIMIT})`, pattern: '^[0-9]{1,4}$' }),
  type: withErrorCode(z.string().optional().describe(`only these types, comma-separated: ${EVENT_TYPES.join(', ')}`), 'unknown_event_type'),
});

export const eventSchema = z
  .object({
    id: z.string().describe('`<ms>-<seq>.<shard>`: the stream entry id and the shard whose stream holds it; unique across the install (the webhook-id of its deliveries), ordered per image, a resume point'),
    type: eventTypeSchema,
    version: z.number().int(),
    occurredAt: z.string().describe('ISO 8601 date-time, UTC (ms)'),
    ownerId: z.string().describe('the owner of what changed'),
    actorId: z.string().optional().describe('who made the change, when a user did'),
    imageId: z.string().optional(),
    data: z.record(z.string(), z.unknown()).describe('the type\'s payload (see docs/events.md)'),
  })
  .meta({ id: 'Event' });

export const eventPageSchema = z.object({
  events: z.array(eventSchema).describe('oldest first'),
  next: z.string().describe('pass as `after` for the next page: the last entry looked at, matching or not'),
  more: z.boolean().describe('true when the read stopped at the limit or its scan budget, not at the end of the stream'),
});

export const eventOperations = defineOperations({
  list: {
    method: 'get', path: '/v1/events', operationId: 'listEvents', tags: ['events'], auth: 'key', scope: 'images:read',
    summary: 'The event stream, oldest first: every event for an admin, otherwise those whose ownerId is the caller',
    query: eventQuery,
    responses: {
      200: { description: 'One page', json: eventPageSchema },
      400: errorResponse('A malformed parameter (`invalid_parameter`, `invalid_event_id`, `unknown_event_type`), or an `after` never handed out, ahead of the clock (`event_id_in_future`)'),
      403: errorResponse('The key lacks images:read'),
      410: errorResponse('Events after `after` were trimmed or lost with Redis (`events_trimmed`; `details.reason` is `stream_reset` when the streams were wiped since the cursor was made): read the current state again and resume from the newest event'),
    },
  },
});
