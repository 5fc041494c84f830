import { eventShownTo } from '../access/event-visibility.js';
import type { ImgsvcEvent } from './event-types.js';

/**
 * An event about a user's own things as that (non-admin) user is shown it. The decision lives in
 * `access/event-visibility.ts`, and webhook payloads use the same one. Callers pass only events
 * whose `ownerId` is the reader (the reader filters by owner first); anything else is shown as
 * its bare envelope, never whole.
 */
export function eventForUser(e: ImgsvcEvent, readerId: string): ImgsvcEvent {
  return eventShownTo(e, { userId: readerId, admin: false }) ?? { id: e.id, type: e.type, version: e.version, occurredAt: e.occurredAt, ownerId: e.ownerId, data: {} };
}
