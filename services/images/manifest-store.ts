import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { manifestKey } from '../storage/keys.js';
import { normalizeRecord, type ImageRecord } from './image-record.js';

/**
 * The manifest is the record as stored next to the image bytes: storage is the source of
 * truth, and `imgsvc reindex` rebuilds Redis from these files.
 */
export async function writeManifest(store: ObjectStore, record: ImageRecord): Promise<void> {
  // No content type: the key says it is JSON, and the fs store then needs no sidecar file.
  await store.put(manifestKey(record.id), Buffer.from(JSON.stringify(record)));
}

export async function readManifest(store: ObjectStore, id: string): Promise<ImageRecord> {
  return parseManifest(await store.getBuffer(manifestKey(id)));
}

export function parseManifest(bytes: Buffer): ImageRecord {
  return normalizeRecord(JSON.parse(bytes.toString('utf8')) as ImageRecord);
}

export async function deleteManifest(store: ObjectStore, id: string): Promise<void> {
  await store.delete(manifestKey(id));
}

/** The record as its manifest has it, or undefined when there is no manifest. */
export async function manifestOrNothing(store: ObjectStore, id: string): Promise<ImageRecord | undefined> {
  return readManifest(store, id).catch((err: unknown) => {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  });
}

/**
 * The manifests of one listing page, read at once; one that cannot be read (truncated, or
 * erased since the listing) comes back undefined and is handed to `unreadable`, never thrown:
 * a rebuild must not stop at one bad object.
 */
export async function readManifestPage(store: ObjectStore, keys: readonly string[], unreadable: (key: string, err: unknown) => void): Promise<(ImageRecord | undefined)[]> {
  return Promise.all(
    keys.map(async (key) => {
      try {
        return parseManifest(await store.getBuffer(key));
      } catch (err) {
        unreadable(key, err);
        return undefined;
      }
    }),
  );
}
