import type { Logger } from '../core/logger.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import { parseManifest, writeManifest } from './manifest-store.js';

/**
 * Images stored before accounts existed have no owner: they become the bootstrap admin's
 * (manifest first, the truth, then the index). Idempotent; run at bootstrap and by reindex.
 */
export async function adoptOwnerless(store: ObjectStore, index: ImageIndex, adminId: string, logger: Logger): Promise<number> {
  let adopted = 0;
  let cursor: string | undefined;
  do {
    const page = await store.list(MANIFEST_PREFIX, { cursor, limit: 500 });
    cursor = page.cursor;
    for (const key of page.keys) {
      const record = parseManifest(await store.getBuffer(key));
      if (record.ownerId) continue;
      const owned = { ...record, ownerId: adminId };
      await writeManifest(store, owned);
      await index.put(owned);
      adopted++;
    }
  } while (cursor);
  if (adopted > 0) logger.info({ adopted, adminId }, 'images from before accounts now belong to the bootstrap admin');
  return adopted;
}
