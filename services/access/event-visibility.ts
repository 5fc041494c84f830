import type { ImgsvcEvent } from '../events/event-types.js';

/** Who reads an event: the same reader whether it is `GET /v1/events` or their webhook endpoint. */
export interface EventReader {
  userId: string;
  /** An admin, currently (an admin's `all` endpoint reads as an admin only while they are one). */
  admin: boolean;
}

/**
 * What of an event a reader is shown, or undefined when it is not theirs to see: one decision
 * for the event listing and for webhook payloads, so an endpoint never receives more than its
 * owner's listing shows. An admin sees every event whole. A user sees events about their own
 * things; whose favorite it was stays the favoriting user's business, as in the rest of the API
 * (an owner sees counts, not who): a favorite by someone else comes without actor, user or
 * favorite id.
 */
export function eventShownTo(e: ImgsvcEvent, reader: EventReader): ImgsvcEvent | undefined {
  if (reader.admin) return e;
  if (e.ownerId !== reader.userId) return undefined;
  if ((e.type !== 'favorite.added' && e.type !== 'favorite.removed') || e.data.userId === reader.userId) return e;
  const { actorId: _a, ...rest } = e;
  const { userId: _u, favoriteId: _f, ...data } = e.data;
  return { ...rest, data };
}
