import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';
import { commentPrefix, MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { dedupKey, survivorOf } from '../core/dedup-key.js';
import type { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { deleteManifest, readManifestPage } from './manifest-store.js';
import { hasAttachments } from './attachments.js';
import { deleteOriginalRef, writeOriginalRef } from './original-refs.js';

export interface ReindexResult {
  restored: number;
  unreadable: string[];
  /** Ids removed because an older image has the same dedup key and nothing was written on them. */
  duplicates: string[];
  /** Newer images of the same bytes as an older one, kept because someone wrote on them (comments, favorites, albums, edits). */
  keptDuplicates: string[];
}

/**
 * Rebuilds the Redis index from the manifests in storage, the source of truth: every record,
 * its dedup entry and its place in the id index. Two manifests with the same dedup key (the
 * same bytes uploaded again while the index was lost) collapse into the oldest image; the
 * other's manifest and record are removed. Safe to run on a live index (it writes what storage
 * says); analytics and queued jobs are not in manifests and are not restored. Ends by writing
 * the index-built sentinel. `onPage` runs before each page (a caller holding a lock renews it).
 */
export async function reindex(
  store: ObjectStore,
  index: ImageIndex,
  logger: Logger,
  /** `redis`: lets the duplicate check see favorites and album memberships (restored before this runs). */
  options: { onPage?: () => Promise<void>; redis?: Redis } = {},
): Promise<ReindexResult> {
  const result: ReindexResult = { restored: 0, unreadable: [], duplicates: [], keptDuplicates: [] };
  // dedup key → the id kept so far: strings only, so memory stays small for large stores.
  const kept = new Map<string, string>();
  let cursor: string | undefined;
  do {
    await options.onPage?.();
    const page = await store.list(MANIFEST_PREFIX, { cursor, limit: 500 });
    cursor = page.cursor;
    const records = await readManifestPage(store, page.keys, (key, err) => {
      logger.warn({ err, key }, 'manifest could not be restored');
      result.unreadable.push(key);
    });
    // One at a time: which of two duplicates wins must not depend on which write lands first.
    for (const record of records) {
      if (!record) continue;
      await writeOriginalRef(store, record);
      // A deleted image holds no dedup slot: its bytes may well have been uploaded again since.
      if (record.deletedAt !== undefined) {
        await index.put(record);
        result.restored++;
        continue;
      }
      const key = dedupKey(record);
      const previous = kept.get(key);
      if (previous === undefined || previous === record.id) {
        await index.put(record);
        kept.set(key, record.id);
        result.restored++;
        continue;
      }
      const survivor = survivorOf(previous, record.id);
      const loser = survivor === record.id ? previous : record.id;
      const loserRecord = loser === record.id ? record : await index.get(loser);
      if (loserRecord && (await attached(loserRecord, store, options.redis))) {
        // Someone commented, favorited, filed or edited it: both stay; the dedup entry names the older.
        await index.put(record);
        kept.set(key, survivor);
        if (options.redis) await options.redis.hset(redisKeys.dedupEntry(record), record.ownerId, survivor);
        result.restored++;
        result.keptDuplicates.push(loser);
        logger.warn({ kept: survivor, alsoKept: loser }, 'two images with the same bytes, the newer with comments, favorites, albums or edits: kept both');
        continue;
      }
      await index.remove(loser);
      await deleteManifest(store, loser);
      if (loserRecord) await deleteOriginalRef(store, loserRecord);
      result.duplicates.push(loser);
      logger.warn({ kept: survivor, removed: loser }, 'two images with the same bytes; kept the older');
      if (survivor === record.id) {
        await index.put(record);
        kept.set(key, record.id);
      }
    }
  } while (cursor);
  await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: result.unreadable.length, storageRefs: true });
  return result;
}

/** Without Redis (the CLI's plain reindex), edits and comments in storage still count. */
async function attached(record: ImageRecord, store: ObjectStore, redis: Redis | undefined): Promise<boolean> {
  if (redis) return hasAttachments(redis, store, record);
  if (record.revision > 0) return true;
  return (await store.list(commentPrefix(record.id), { limit: 1 })).keys.length > 0;
}
