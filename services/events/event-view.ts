import type { ImgsvcEvent } from './event-types.js';

/**
 * An event as a non-admin reader is shown it. Whose favorite it was stays the favoriting
 * user's business, as in the rest of the API (an owner sees counts, not who): an owner
 * reading a favorite event about their image by someone else gets neither actor nor userId.
 */
export function eventForUser(e: ImgsvcEvent, readerId: string): ImgsvcEvent {
  if ((e.type !== 'favorite.added' && e.type !== 'favorite.removed') || e.data.userId === readerId) return e;
  const { actorId: _a, ...rest } = e;
  const { userId: _u, favoriteId: _f, ...data } = e.data;
  return { ...rest, data };
}
