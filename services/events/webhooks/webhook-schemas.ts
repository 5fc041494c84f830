import { z } from 'zod';
import { eventTypeSchema } from '../event-types.js';
import { MAX_WEBHOOK_URL_LENGTH } from './url-guard.js';

// The URL's own checks (scheme, length, address) give the precise messages: here only its type.
const url = z.string({ error: 'expected a URL string' }).min(1).max(MAX_WEBHOOK_URL_LENGTH * 2);
const events = z.array(eventTypeSchema, { error: 'expected an array of event types' }).min(1, 'expected at least one event type (omit it for all)').max(50);

export const createWebhookSchema = z.strictObject({
  url,
  events: events.optional(),
  description: z.string().max(500).optional(),
});

export const patchWebhookSchema = z.strictObject({
  url: url.optional(),
  events: events.nullable().optional(),
  description: z.string().max(500).nullable().optional(),
  enabled: z.boolean().optional(),
});
