import type { NewEvent } from './event-types.js';

/** Test data: events of every type as their writers make them, and the odd ones the compact entry form must write in the legacy form. */
const variants = { count: 3, formats: ['avif', 'jpeg', 'webp'], widths: [50, 320, 1280] };
export const everyType: [string, NewEvent][] = [
  ['image.created by its owner', { type: 'image.created', ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { revision: 1, visibility: 'private', format: 'jpeg', width: 4032, height: 3024, bytes: 3421987 } }],
  ['image.created by another user', { type: 'image.created', ownerId: 'u1', actorId: 'u2', imageId: 'img1', data: { revision: 1, visibility: 'public', format: 'png', width: 1, height: 1, bytes: 0 } }],
  ['image.ready (the service)', { type: 'image.ready', ownerId: 'u1', imageId: 'img1', data: { revision: 2, variants } }],
  ['image.ready with no variants', { type: 'image.ready', ownerId: 'u1', imageId: 'img1', data: { revision: 1, variants: { count: 0, formats: [], widths: [] } } }],
  ['image.failed', { type: 'image.failed', ownerId: 'u1', imageId: 'img1', data: { revision: 2, error: 'unsupported "format"' } }],
  ['image.updated by the owner', { type: 'image.updated', ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { revision: 4, changed: ['tags', 'title'] } }],
  ['image.updated by an admin', { type: 'image.updated', ownerId: 'u1', actorId: 'admin', imageId: 'img1', data: { revision: 4, changed: ['title'] } }],
  ['image.visibility_changed', { type: 'image.visibility_changed', ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { revision: 5, from: 'private', to: 'public' } }],
  ['image.deleted', { type: 'image.deleted', ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { revision: 6, deletedAt: '2026-12-07T16:00:00.000Z' } }],
  ['image.restored', { type: 'image.restored', ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { revision: 7 } }],
  ['image.erased (the service)', { type: 'image.erased', ownerId: 'u1', imageId: 'img1', data: { revision: 8, deletedAt: '2026-12-07T16:00:00.000Z', erasedAt: '2026-12-14T16:00:00.000Z' } }],
  ['comment.created', { type: 'comment.created', ownerId: 'u1', actorId: 'u2', imageId: 'img1', data: { commentId: 'c1', authorId: 'u2', text: 'ünïcødé' } }],
  ['comment.deleted', { type: 'comment.deleted', ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { commentId: 'c1', authorId: 'u2' } }],
  ['favorite.added', { type: 'favorite.added', ownerId: 'u1', actorId: 'u2', imageId: 'img1', data: { userId: 'u2', favoriteId: 'f1' } }],
  ['favorite.removed', { type: 'favorite.removed', ownerId: 'u1', actorId: 'u2', imageId: 'img1', data: { userId: 'u2' } }],
  ['album.updated (no image)', { type: 'album.updated', ownerId: 'u1', actorId: 'u1', data: { albumId: 'a1', revision: 1, changed: ['title'], imageCount: 0, created: true } }],
  ['album.deleted (no image)', { type: 'album.deleted', ownerId: 'u1', data: { albumId: 'a1', revision: 2 } }],
  ['an owner of its own version', { type: 'image.erased', ownerId: '', version: 2, data: { revision: 9, text: 'ünïcødé "quoted"' } }],
  ['a payload of another shape (extra key)', { type: 'image.created', ownerId: 'u1', imageId: 'img1', data: { revision: 1, visibility: 'private', format: 'jpeg', width: 1, height: 1, bytes: 1, extra: [1] } }],
  ['a payload in another key order', { type: 'image.updated', ownerId: 'u1', imageId: 'img1', data: { changed: ['title'], revision: 3 } }],
  ['a newer version of a compact type', { type: 'image.ready', ownerId: 'u1', imageId: 'img1', version: 2, data: { revision: 2, variants } }],
  ['an actor spelled like the owner marker', { type: 'image.updated', ownerId: 'u1', actorId: '=', imageId: 'img1', data: { revision: 4, changed: ['title'] } }],
];
