import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { commentPrefix } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageRecord } from './image-record.js';

/**
 * Whether anyone wrote something on this image that collapsing it into an older duplicate
 * would drop: an edit (any revision past the upload), a comment (its object in storage), a
 * favorite or an album membership (their Redis copies, restored from storage before any
 * rebuild collapses anything). An image with none of these is a bare copy of the older one.
 */
export async function hasAttachments(redis: Redis, store: ObjectStore, record: ImageRecord): Promise<boolean> {
  if (record.revision > 0) return true;
  const [favoriters, albums] = await Promise.all([redis.exists(redisKeys.favoriters(record.id)), redis.exists(redisKeys.imageAlbums(record.id))]);
  if (favoriters + albums > 0) return true;
  return (await store.list(commentPrefix(record.id), { limit: 1 })).keys.length > 0;
}
