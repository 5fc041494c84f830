import { describe, expect, it } from 'vitest';
import type { ImgsvcEvent } from './event-types.js';
import { eventForUser } from './event-view.js';

const at = { id: '1-0', version: 1, occurredAt: '1970-01-01T00:00:00.001Z', ownerId: 'owner', imageId: 'img' };
describe('eventForUser', () => {
  const fav: ImgsvcEvent = { ...at, type: 'favorite.added', actorId: 'fan', data: { userId: 'fan', favoriteId: 'f1' } };
  const own: ImgsvcEvent = { ...at, type: 'favorite.added', actorId: 'owner', data: { userId: 'owner', favoriteId: 'f2' } };
  it.each([
    ['the owner sees a fan’s favorite without the fan', fav, 'owner', { ...at, type: 'favorite.added', data: {} }],
    ['the owner sees their own favorite whole', own, 'owner', own],
    // The reader filters by owner first; were it not to, the fan would get the bare envelope, never the event whole.
    ['a reader who is not the owner gets the envelope only', fav, 'fan', { id: '1-0', type: 'favorite.added', version: 1, occurredAt: at.occurredAt, ownerId: 'owner', data: {} }],
    ['image events are shown whole', { ...at, type: 'image.updated', actorId: 'admin', data: { revision: 2, changed: ['title'] } } as ImgsvcEvent, 'owner', null],
  ])('%s', (_name, event, reader, expected) => {
    expect(eventForUser(event, reader)).toEqual(expected ?? event);
  });
});
