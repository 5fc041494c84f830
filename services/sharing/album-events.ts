import type { Album } from './album.js';
import { newEvent } from '../events/event-payloads.js';
import type { NewEvent } from '../events/event-types.js';

const ALBUM_FIELDS = ['title', 'description', 'coverImageId', 'imageIds'] as const;

/**
 * The `album.updated` a write reports: every field for a new album, else the ones that differ
 * (none: nothing to report, as for an edit that only touched `updatedAt`).
 */
export function albumUpdated(next: Album, previous: Album | undefined, actorId?: string): NewEvent[] {
  const changed = ALBUM_FIELDS.filter((f) => !previous || JSON.stringify(previous[f]) !== JSON.stringify(next[f]));
  if (previous && changed.length === 0) return [];
  return [newEvent(
    'album.updated',
    { ownerId: next.ownerId, actorId },
    { albumId: next.id, revision: next.revision ?? 1, changed: [...changed], imageCount: next.imageIds.length, ...(previous ? {} : { created: true as const }) },
  )];
}

export function albumDeleted(album: Album, actorId?: string): NewEvent {
  return newEvent('album.deleted', { ownerId: album.ownerId, actorId }, { albumId: album.id, revision: (album.revision ?? 1) + 1 });
}
