import type { Visibility } from '../accounts/user.js';
import type { EventType, NewEvent } from './event-types.js';

/**
 * The `data` of each event type (version 1). Image events carry the record's `revision` after
 * the change, so a consumer can drop a duplicate or an older event it receives late; album
 * events carry the album's. Comment events are typed with comments.
 */
export interface EventPayloads {
  'image.created': { revision: number; visibility: Visibility; format: string; width: number; height: number; bytes: number };
  'image.ready': { revision: number; variants: VariantSummary };
  'image.failed': { revision: number; error: string };
  'image.updated': { revision: number; changed: string[] };
  'image.visibility_changed': { revision: number; from: Visibility; to: Visibility };
  'image.deleted': { revision: number; deletedAt: string };
  'image.restored': { revision: number };
  'image.erased': { revision: number; deletedAt: string; erasedAt: string };
  'favorite.added': { userId: string; favoriteId: string };
  'favorite.removed': { userId: string };
  'album.updated': { albumId: string; revision: number; changed: string[]; imageCount: number; created?: true };
  'album.deleted': { albumId: string; revision: number };
}

/** What an `image.ready` says about the variants made: enough to purge or warm a cache. */
export interface VariantSummary {
  count: number;
  formats: string[];
  widths: number[];
}

export type TypedEventType = keyof EventPayloads;

/** A new event whose data is checked against its type's payload. */
export function newEvent<T extends TypedEventType>(
  type: T,
  about: { ownerId: string; imageId?: string | undefined; actorId?: string | undefined },
  data: EventPayloads[T],
): NewEvent & { type: T } {
  const t: T & EventType = type;
  return {
    type: t,
    ownerId: about.ownerId,
    ...(about.actorId ? { actorId: about.actorId } : {}),
    ...(about.imageId ? { imageId: about.imageId } : {}),
    data: data as unknown as Record<string, unknown>,
  };
}
