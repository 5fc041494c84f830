import type { Logger } from '../core/logger.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { dedupKey, survivorOf } from './dedup-key.js';
import type { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { deleteManifest, parseManifest } from './manifest-store.js';

export interface ReindexResult {
  restored: number;
  unreadable: string[];
  /** Ids removed because an older image has the same dedup key. */
  duplicates: string[];
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
  options: { onPage?: () => Promise<void> } = {},
): Promise<ReindexResult> {
  const result: ReindexResult = { restored: 0, unreadable: [], duplicates: [] };
  // dedup key → the id kept so far: strings only, so memory stays small for large stores.
  const kept = new Map<string, string>();
  let cursor: string | undefined;
  do {
    await options.onPage?.();
    const page = await store.list(MANIFEST_PREFIX, { cursor, limit: 500 });
    cursor = page.cursor;
    const records = await Promise.all(
      page.keys.map(async (key) => {
        try {
          return parseManifest(await store.getBuffer(key));
        } catch (err) {
          logger.warn({ err, key }, 'manifest could not be restored');
          result.unreadable.push(key);
          return undefined;
        }
      }),
    );
    // One at a time: which of two duplicates wins must not depend on which write lands first.
    for (const record of records) {
      if (!record) continue;
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
      await index.remove(loser);
      await deleteManifest(store, loser);
      result.duplicates.push(loser);
      logger.warn({ kept: survivor, removed: loser }, 'two images with the same bytes; kept the older');
      if (survivor === record.id) {
        await index.put(record);
        kept.set(key, record.id);
      }
    }
  } while (cursor);
  await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: result.unreadable.length });
  return result;
}
