import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { dedupShard, redisKeys, shardOf } from '../redis/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { hasAttachments } from './attachments.js';
import { dedupKey, survivorOf } from '../core/dedup-key.js';
import type { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { deleteManifest, manifestOrNothing } from './manifest-store.js';
import { deleteOriginalRef } from './original-refs.js';

export interface ReadoptDeps {
  redis: Redis;
  index: ImageIndex;
  store: ObjectStore;
  logger: Logger;
}

export type ReadoptOutcome =
  /** The record was written back, with its listings, dedup entry, resize job and `image.created` event. */
  | { kind: 'adopted'; record: ImageRecord }
  /** The index had it already (another pod, the rebuild, or the upload itself got there first). */
  | { kind: 'present'; record: ImageRecord }
  /** The owner has an older image of the same bytes: this bare copy was folded into it. */
  | { kind: 'collapsed'; record: ImageRecord; removed: string }
  /** The owner has another image of the same bytes and both carry what someone wrote: both stay. */
  | { kind: 'kept-both'; record: ImageRecord; other: string };

/**
 * Puts back into the index an image whose manifest is in storage but whose record Redis lost
 * (a failover to a replica that missed the last writes, an AOF that lost its tail). Storage is
 * the truth: the manifest is never deleted for missing from the index. The one exception is a
 * duplicate: when the owner has another image of the same bytes, the older id wins
 * (deterministically, whichever pod runs this), and the newer is removed only if nothing was
 * written on it (see attachments.ts); otherwise both stay and the dedup entry names the older.
 * Idempotent; safe to run from a read, the sweep and a rebuild at once.
 */
export async function readopt(deps: ReadoptDeps, record: ImageRecord): Promise<ReadoptOutcome> {
  const { index } = deps;
  const present = await index.get(record.id);
  if (present) return { kind: 'present', record: present };
  if (record.deletedAt !== undefined) {
    // In the trash: no dedup slot, no job; back in the owner's trash until erased.
    await index.put(record);
    deps.logger.warn({ imageId: record.id }, 're-adopted a deleted image from its manifest');
    return { kind: 'adopted', record };
  }
  if (shardOf(record.id) !== dedupShard(dedupKey(record))) {
    // An id minted before sharding: its dedup entry lives in another shard, so the pivot's one
    // script cannot hold both. Two idempotent steps instead (the repair sweep gives it its job).
    const holder = await index.idForSha(record.ownerId, record.sha256);
    if (holder && holder !== record.id) return settleDuplicate(deps, record, holder);
    await index.put(record);
    deps.logger.warn({ imageId: record.id, ownerId: record.ownerId }, 're-adopted an image the index had lost, from its manifest');
    return { kind: 'adopted', record };
  }
  // The upload's own pivot, replayed: it writes nothing if the owner's dedup entry names another image.
  const created = await index.createAndEnqueue(record, record.ownerId || undefined);
  if (created.created) {
    deps.logger.warn({ imageId: record.id, ownerId: record.ownerId }, 're-adopted an image the index had lost, from its manifest');
    return { kind: 'adopted', record };
  }
  if (created.existingId === record.id) return { kind: 'present', record };
  return settleDuplicate(deps, record, created.existingId);
}

/** `adoptee` is in storage only; the owner's dedup entry names `otherId`. */
async function settleDuplicate(deps: ReadoptDeps, adoptee: ImageRecord, otherId: string): Promise<ReadoptOutcome> {
  const { index, store, redis, logger } = deps;
  const other = (await index.get(otherId)) ?? (await manifestOrNothing(store, otherId));
  if (!other || other.deletedAt !== undefined || dedupKey(other) !== dedupKey(adoptee)) {
    // The dedup entry is stale (its image is gone, lost too, or in the trash): this image takes it.
    await index.put(adoptee);
    if (other && other.deletedAt === undefined && dedupKey(other) === dedupKey(adoptee)) await readopt(deps, other);
    logger.warn({ imageId: adoptee.id }, 're-adopted an image the index had lost, from its manifest (stale dedup entry replaced)');
    return { kind: 'adopted', record: adoptee };
  }
  const survivor = survivorOf(adoptee.id, other.id) === adoptee.id ? adoptee : other;
  const loser = survivor === adoptee ? other : adoptee;
  if (survivor === adoptee) await index.put(adoptee); // takes the dedup slot, listings, refs
  if (await hasAttachments(redis, store, loser)) {
    if (loser === adoptee) {
      await index.put(adoptee);
      // put() took the owner's dedup entry for the newer image: it names the older again.
      await redis.hset(redisKeys.dedupEntry(survivor), survivor.ownerId, survivor.id);
    }
    logger.warn({ kept: survivor.id, alsoKept: loser.id }, 'two images of the same bytes, both with comments, favorites, albums or edits: both kept');
    return { kind: 'kept-both', record: adoptee, other: other.id };
  }
  await index.remove(loser.id);
  await deleteManifest(store, loser.id);
  await deleteOriginalRef(store, loser);
  logger.warn({ kept: survivor.id, removed: loser.id }, 'two images of the same bytes; kept the older');
  return { kind: 'collapsed', record: survivor, removed: loser.id };
}
