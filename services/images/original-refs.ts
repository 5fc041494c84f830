import { isImageId } from '../core/ids.js';
import { originalOwnerRefPrefix, originalRefKey, originalRefPrefix } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageRecord } from './image-record.js';
import { manifestOrNothing } from './manifest-store.js';

/** Records in storage that this image uses its original (see storage/keys.ts, originalRefKey). */
export async function writeOriginalRef(store: ObjectStore, record: Pick<ImageRecord, 'id' | 'ownerId' | 'sha256'>): Promise<void> {
  await store.put(originalRefKey(record.sha256, record.ownerId, record.id), Buffer.alloc(0));
}

/** After the manifest is gone: the image no longer uses its original. */
export async function deleteOriginalRef(store: ObjectStore, record: Pick<ImageRecord, 'id' | 'ownerId' | 'sha256'>): Promise<void> {
  await store.delete(originalRefKey(record.sha256, record.ownerId, record.id));
}

/** Image ids of the references under a prefix, oldest first (ids sort by time). */
async function referencingIds(store: ObjectStore, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list(prefix, { cursor, limit: 500 });
    cursor = page.cursor;
    for (const key of page.keys) {
      const id = key.slice(key.lastIndexOf('/') + 1);
      if (isImageId(id)) ids.push(id);
    }
  } while (cursor);
  return ids.sort();
}

/**
 * Whether a manifest in storage still uses these bytes. A reference whose manifest is gone (a
 * crash between the two deletes) does not count. Storage only: the index may have lost images.
 */
export async function isOriginalUsedInStorage(store: ObjectStore, sha256: string, exceptId?: string): Promise<boolean> {
  for (const id of await referencingIds(store, originalRefPrefix(sha256))) {
    if (id === exceptId) continue;
    const record = await manifestOrNothing(store, id);
    if (record && record.sha256 === sha256) return true;
  }
  return false;
}

/**
 * The owner's oldest live image of these bytes according to storage, for an upload whose dedup
 * lookup missed in Redis: after a failover that lost the owner's upload, re-uploading the same
 * bytes finds it here instead of minting a duplicate.
 */
export async function storedImageOf(store: ObjectStore, ownerId: string, sha256: string): Promise<ImageRecord | undefined> {
  for (const id of await referencingIds(store, originalOwnerRefPrefix(sha256, ownerId))) {
    const record = await manifestOrNothing(store, id);
    if (record && record.deletedAt === undefined && record.sha256 === sha256 && record.ownerId === ownerId) return record;
  }
  return undefined;
}
