import { describe, expect, it } from 'vitest';
import type { ImgsvcEvent } from '../events/event-types.js';
import { eventShownTo } from './event-visibility.js';
import { webhookReader } from './webhook-access.js';

const at = { id: '1-0', version: 1, occurredAt: '1970-01-01T00:00:00.001Z', ownerId: 'owner', imageId: 'img' };
const fav: ImgsvcEvent = { ...at, type: 'favorite.added', actorId: 'fan', data: { userId: 'fan', favoriteId: 'f1' } };
const own: ImgsvcEvent = { ...at, type: 'favorite.added', actorId: 'owner', data: { userId: 'owner', favoriteId: 'f2' } };
const edit: ImgsvcEvent = { ...at, type: 'image.updated', actorId: 'admin', data: { revision: 2, changed: ['title'] } };

describe('eventShownTo (one decision for /v1/events and webhook payloads)', () => {
  it.each([
    ['the owner sees a fan’s favorite without the fan', fav, { userId: 'owner', admin: false }, { ...at, type: 'favorite.added', data: {} }],
    ['the owner sees their own favorite whole', own, { userId: 'owner', admin: false }, own],
    ['an admin sees a fan’s favorite whole', fav, { userId: 'root', admin: true }, fav],
    ['image events are shown whole to the owner', edit, { userId: 'owner', admin: false }, edit],
    ['a stranger is shown nothing', edit, { userId: 'fan', admin: false }, undefined],
    ['nor is the fan shown the owner’s event about their favorite', fav, { userId: 'fan', admin: false }, undefined],
  ])('%s', (_name, event, reader, expected) => {
    expect(eventShownTo(event, reader)).toEqual(expected);
  });
});

describe('webhookReader (an endpoint receives as its owner is now)', () => {
  const user = { scope: 'owner' as const, ownerId: 'u' };
  const all = { scope: 'all' as const, ownerId: 'a' };
  it.each([
    ['a user’s endpoint reads as the user', user, { role: 'user' as const }, { userId: 'u', admin: false }],
    ['a disabled user’s endpoint receives nothing', user, { role: 'user' as const, disabledAt: '2026-01-01T00:00:00Z' }, undefined],
    ['a deleted user’s endpoint receives nothing', user, undefined, undefined],
    ['an admin’s all-events endpoint reads as an admin', all, { role: 'admin' as const }, { userId: 'a', admin: true }],
    ['a demoted admin’s all-events endpoint receives nothing', all, { role: 'user' as const }, undefined],
    ['a disabled admin’s all-events endpoint receives nothing', all, { role: 'admin' as const, disabledAt: '2026-01-01T00:00:00Z' }, undefined],
  ])('%s', (_name, endpoint, owner, expected) => {
    expect(webhookReader(endpoint, owner)).toEqual(expected);
  });
});
