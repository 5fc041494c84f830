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
import type { ImageRecord } from '../images/image-record.js';
import { manifestKey, originalKey, ownerVariantPrefix, tombstoneKey, variantPrefix } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { deleteOriginalRef, isOriginalUsedInStorage } from '../images/original-refs.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { SlotBatch } from '../redis/slot-pipeline.js';
import { declareStep, stepKeys } from '../redis/steps.js';
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

/** The record's removal with its `image.erased` event: one step in the image's shard. */
export const eraseStep = declareStep('image.erase', 'multi', (r: Pick<ImageRecord, 'id' | 'ownerId' | 'visibility' | 'deletedAt' | 'meta'>) => {
  const s = shardOf(r.id);
  return [
    redisKeys.image(r.id),
    redisKeys.allImages(s),
    redisKeys.trashByTime(s),
    redisKeys.resizeLive(s),
    redisKeys.events(s),
    ...new Set([...listingKeys(r), ...listingKeys({ ...r, deletedAt: undefined })]),
  ];
});

/**
 * Erases a deleted image for good. Every step is idempotent and the manifest goes last, so a
 * crash anywhere leaves the manifest (with `deletedAt`) in storage and the sweep, or a
 * reindex followed by the sweep, finishes the job. The bytes (original and variants, which
 * are keyed by content) go only when no other image, of any owner, still uses them.
 */
export async function eraseImage(record: ImageRecord, deps: EraseDeps, now = new Date(), actorId?: string): Promise<Tombstone> {
  const deletedAt = record.deletedAt ?? now.toISOString();
  await deleteAnalytics(record.id, deps, now);
  // Its reference to the bytes, and its owner's dedup field if it still names it (an image is
  // in the trash before it is erased, so normally already gone): neither may keep the original.
  await deps.redis.hdel(redisKeys.bytes(shardOf(record.id), record.sha256), record.id);
  await runScript(deps.redis, 'compareAndDeleteField', [redisKeys.dedupEntry(record)], [record.ownerId, record.id]);
  // The variants made on demand for this owner go with the image, whoever else keeps the bytes.
  if (record.ownerId !== '') await deleteAll(deps.store, ownerVariantPrefix(record.sha256, record.ownerId));
  // Redis may have lost another image that uses these bytes (a failover): storage decides too.
  if (!(await deps.index.isOriginalReferenced(record.sha256)) && !(await isOriginalUsedInStorage(deps.store, record.sha256, record.id))) {
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
    await deleteOriginalRef(deps.store, record);
    // Under the lock, a record still present is erased by this call alone: one event per erase.
    const present = (await deps.redis.exists(redisKeys.image(record.id))) === 1;
    const [image, all, trashByTime, live, , ...listings] = stepKeys(eraseStep, record);
    const tx = deps.redis.multi().del(image!).zrem(all!, record.id).zrem(trashByTime!, record.id).hdel(live!, record.id);
    for (const k of listings) tx.zrem(k, record.id);
    if (present) {
      const erased = newEvent('image.erased', { ownerId: record.ownerId, imageId: record.id, actorId }, { revision: record.revision, deletedAt, erasedAt: tombstone.erasedAt });
      (deps.events ?? new EventSink()).queue(tx, [erased]);
    }
    await tx.exec();
  });
  await deps.redis.zadd(redisKeys.recentlyErased(shardOf(record.id)), now.getTime(), record.id);
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
  const ids: string[] = [];
  for (const shard of allShards(shardCount())) {
    const key = redisKeys.recentlyErased(shard);
    await deps.redis.zremrangebyscore(key, '-inf', now.getTime() - ANALYTICS_AFTERMATH_MS);
    ids.push(...(await deps.redis.zrange(key, 0, -1)));
  }
  if (ids.length === 0) return;
  const batch = new SlotBatch(deps.redis);
  for (const id of ids) {
    batch.on(analyticsKeys.image(id)).del(analyticsKeys.image(id));
    for (const at of [now.getTime(), now.getTime() - HOUR_MS]) {
      const hour = hourId(at);
      batch.on(analyticsKeys.image(id)).del(analyticsKeys.imageHour(id, hour), analyticsKeys.imageViewers(id, dayId(at)));
      for (const by of ['requests', 'bytes'] as const) batch.on(analyticsKeys.top(hour, by)).zrem(analyticsKeys.top(hour, by), id);
    }
  }
  await batch.exec();
}

/** Its totals, every hourly bucket and daily viewer set in the retention window, and its top-list entries. */
async function deleteAnalytics(id: string, deps: EraseDeps, now: Date): Promise<void> {
  // The image's keys share its tag, the top lists theirs: one pipeline per slot.
  const batch = new SlotBatch(deps.redis);
  const own = batch.on(analyticsKeys.image(id)).del(analyticsKeys.image(id));
  const hours = Math.ceil(deps.analyticsRetentionDays * 24) + 1;
  for (let h = 0; h <= hours; h++) {
    const at = now.getTime() - h * HOUR_MS;
    const hour = hourId(at);
    own.del(analyticsKeys.imageHour(id, hour));
    for (const by of ['requests', 'bytes'] as const) batch.on(analyticsKeys.top(hour, by)).zrem(analyticsKeys.top(hour, by), id);
    if (h % 24 === 0) own.del(analyticsKeys.imageViewers(id, dayId(at)));
  }
  await batch.exec();
}

export async function readTombstone(store: ObjectStore, id: string): Promise<Tombstone | undefined> {
  try {
    return JSON.parse((await store.getBuffer(tombstoneKey(id))).toString('utf8')) as Tombstone;
  } catch {
    return undefined;
  }
}
