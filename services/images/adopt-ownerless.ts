import type { Logger } from '../core/logger.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import { readManifestPage, writeManifest } from './manifest-store.js';

/**
 * Images stored before accounts existed have no owner: they become the bootstrap admin's
 * (manifest first, the truth, then the index). Idempotent; run at bootstrap and by every rebuild from storage.
 */
export async function adoptOwnerless(
  store: ObjectStore,
  index: ImageIndex,
  adminId: string,
  logger: Logger,
  /** Runs before each page (the automatic rebuild renews its lock). */
  onPage?: () => Promise<void>,
): Promise<number> {
  let adopted = 0;
  let cursor: string | undefined;
  do {
    await onPage?.();
    const page = await store.list(MANIFEST_PREFIX, { cursor, limit: 500 });
    cursor = page.cursor;
    // A manifest that cannot be read (truncated, or erased since the listing) is skipped, not
    // fatal: the records step that follows reports it as unreadable, and one bad object must
    // never hold the whole rebuild (and with it every write) back.
    const records = await readManifestPage(store, page.keys, (key, err) => logger.warn({ err, key }, 'manifest skipped while adopting images from before accounts'));
    for (const record of records) {
      if (!record || record.ownerId) continue;
      const owned = { ...record, ownerId: adminId };
      await writeManifest(store, owned);
      await index.put(owned);
      adopted++;
    }
  } while (cursor);
  if (adopted > 0) logger.info({ adopted, adminId }, 'images from before accounts now belong to the bootstrap admin');
  return adopted;
}
