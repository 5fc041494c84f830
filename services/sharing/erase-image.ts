import type { Redis } from 'ioredis';
import { analyticsKeys } from '../analytics/analytics-keys.js';
import { dayId, HOUR_MS, hourId } from '../analytics/time-buckets.js';
import { AppError } from '../core/errors.js';
import { newEvent } from '../events/event-payloads.js';
import { EventSink } from '../events/event-sink.js';
import type { Logger } from '../core/logger.js';
import { AlbumStore } from './album-store.js';
import { Favorites } from './favorites.js';
import { Comments } from './comments.js';
import type { ImageIndex } from '../images/image-index.js';
import { listingKeys } from '../images/image-index.js';
import { dedupKey } from '../images/dedup-key.js';
import type { ImageRecord } from '../images/image-record.js';
import { manifestKey, originalKey, tombstoneKey, variantPrefix } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { redisKeys } from '../redis/keys.js';
import { withShortLock } from '../redis/short-lock.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';

export interface Tombstone {
  id: string;
  ownerId: string;
  deletedAt: string;
  erasedAt: string;
}

export interface EraseDeps {
  redis: Redis;
  index: ImageIndex;
  store: ObjectStore;
  bus: InvalidationBus | undefined;
  logger: Logger;
  analyticsRetentionDays: number;
  /** Where `image.erased` (and the album and favorite changes an erase makes) are appended. */
  events?: EventSink;
}

/**
 * Erases a deleted image for good. Every step is idempotent and the manifest goes last, so a
 * crash anywhere leaves the manifest (with `deletedAt`) in storage and the sweep, or a
 * reindex followed by the sweep, finishes the job. The bytes (original and variants, which
 * are keyed by content) go only when no other image, of any owner, still uses them.
 */
export async function eraseImage(record: ImageRecord, deps: EraseDeps, now = new Date(), actorId?: string): Promise<Tombstone> {
  const deletedAt = record.deletedAt ?? now.toISOString();
  await deleteAnalytics(record.id, deps, now);
  await deps.redis.srem(redisKeys.shaRefs(record.sha256), record.id);
  if (!(await deps.index.isOriginalReferenced(record.sha256))) {
    await deleteAll(deps.store, variantPrefix(record.sha256));
    await deps.store.delete(originalKey(record.sha256));
  }
  const tombstone: Tombstone = { id: record.id, ownerId: record.ownerId, deletedAt, erasedAt: now.toISOString() };
  // Out of every album and every favorite list, and its comments gone, before the manifest goes (all idempotent).
  await forgetInSharing(record.id, record.ownerId, deps);
  await deps.store.put(tombstoneKey(record.id), Buffer.from(JSON.stringify(tombstone)));
  // Under the record's lock: a writer already in progress (a resize job finishing) writes
  // first and is then erased; one that comes later finds no record instead of recreating it.
  await withShortLock(deps.redis, redisKeys.recordLock(record.id), async () => {
    await deps.store.delete(manifestKey(record.id));
    // Under the lock, a record still present is erased by this call alone: one event per erase.
    const present = (await deps.redis.exists(redisKeys.image(record.id))) === 1;
    const tx = deps.redis.multi().del(redisKeys.image(record.id)).zrem(redisKeys.allImages, record.id).zrem(redisKeys.trashByTime, record.id).hdel(redisKeys.resizeLive, record.id);
    for (const k of [...listingKeys(record), ...listingKeys({ ...record, deletedAt: undefined })]) tx.zrem(k, record.id);
    if (present) {
      const erased = newEvent('image.erased', { ownerId: record.ownerId, imageId: record.id, actorId }, { revision: record.revision, deletedAt, erasedAt: tombstone.erasedAt });
      (deps.events ?? new EventSink()).queue(tx, [erased]);
    }
    await tx.exec();
  });
  await deps.redis.eval(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`, 1, redisKeys.byDedupKey(dedupKey(record)), record.id);
  await deps.redis.zadd(redisKeys.recentlyErased, now.getTime(), record.id);
  await deps.bus?.publish('image', record.id);
  deps.logger.info({ imageId: record.id, ownerId: record.ownerId }, 'image erased');
  return tombstone;
}

async function forgetInSharing(imageId: string, ownerId: string, deps: EraseDeps): Promise<void> {
  const albums = new AlbumStore(deps.redis, deps.store, deps.events);
  for (const albumId of await albums.albumsOf(imageId)) {
    await albums.update(albumId, (a) => {
      const { coverImageId, ...rest } = a;
      return { ...rest, ...(coverImageId && coverImageId !== imageId ? { coverImageId } : {}), imageIds: a.imageIds.filter((i) => i !== imageId) };
    }).catch((err: unknown) => {
      // An album deleted meanwhile holds nothing any more.
      if (!(err instanceof AppError && err.code === 'album_gone')) throw err;
    });
  }
  await deps.redis.del(redisKeys.imageAlbums(imageId));
  await new Favorites(deps.redis, deps.store, deps.events).forgetImage(imageId, ownerId);
  await new Comments(deps.redis, deps.store, deps.events).forgetImage(imageId);
}

async function deleteAll(store: ObjectStore, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { cursor, limit: 500 });
    cursor = page.cursor;
    await Promise.all(page.keys.map((k) => store.delete(k)));
  } while (cursor);
}

/** How long after an erase its analytics are deleted again: pods flush buffered events within seconds. */
export const ANALYTICS_AFTERMATH_MS = 5 * 60_000;

/**
 * Deletes again the analytics of recently erased images, in case a pod flushed an event for one
 * after its erase. Late events land in the current buckets only, so only those are touched:
 * a few commands per image, whatever the retention.
 */
export async function sweepErasedAnalytics(deps: EraseDeps, now = new Date()): Promise<void> {
  await deps.redis.zremrangebyscore(redisKeys.recentlyErased, '-inf', now.getTime() - ANALYTICS_AFTERMATH_MS);
  const ids = await deps.redis.zrange(redisKeys.recentlyErased, 0, -1);
  if (ids.length === 0) return;
  const tx = deps.redis.pipeline();
  for (const id of ids) {
    tx.del(analyticsKeys.image(id));
    for (const at of [now.getTime(), now.getTime() - HOUR_MS]) {
      const hour = hourId(at);
      tx.del(analyticsKeys.imageHour(id, hour), analyticsKeys.imageViewers(id, dayId(at))).zrem(analyticsKeys.top(hour, 'requests'), id).zrem(analyticsKeys.top(hour, 'bytes'), id);
    }
  }
  await tx.exec();
}

/** Its totals, every hourly bucket and daily viewer set in the retention window, and its top-list entries. */
async function deleteAnalytics(id: string, deps: EraseDeps, now: Date): Promise<void> {
  const tx = deps.redis.pipeline().del(analyticsKeys.image(id));
  const hours = Math.ceil(deps.analyticsRetentionDays * 24) + 1;
  for (let h = 0; h <= hours; h++) {
    const at = now.getTime() - h * HOUR_MS;
    const hour = hourId(at);
    tx.del(analyticsKeys.imageHour(id, hour)).zrem(analyticsKeys.top(hour, 'requests'), id).zrem(analyticsKeys.top(hour, 'bytes'), id);
    if (h % 24 === 0) tx.del(analyticsKeys.imageViewers(id, dayId(at)));
  }
  await tx.exec();
}

export async function readTombstone(store: ObjectStore, id: string): Promise<Tombstone | undefined> {
  try {
    return JSON.parse((await store.getBuffer(tombstoneKey(id))).toString('utf8')) as Tombstone;
  } catch {
    return undefined;
  }
}
