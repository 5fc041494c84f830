import type { Logger } from '../core/logger.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import { parseManifest } from './manifest-store.js';

export interface ReindexResult {
  restored: number;
  unreadable: string[];
}

/**
 * Rebuilds the Redis index from the manifests in storage, the source of truth: every record,
 * its hash → id entry and its place in the id index. Safe to run on a live index (it writes
 * what storage says); analytics and queued jobs are not in manifests and are not restored.
 */
export async function reindex(store: ObjectStore, index: ImageIndex, logger: Logger): Promise<ReindexResult> {
  const result: ReindexResult = { restored: 0, unreadable: [] };
  let cursor: string | undefined;
  do {
    const page = await store.list(MANIFEST_PREFIX, { cursor, limit: 500 });
    cursor = page.cursor;
    await Promise.all(
      page.keys.map(async (key) => {
        try {
          const record = parseManifest(await store.getBuffer(key));
          await index.put(record);
          result.restored++;
        } catch (err) {
          logger.warn({ err, key }, 'manifest could not be restored');
          result.unreadable.push(key);
        }
      }),
    );
  } while (cursor);
  return result;
}
