import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { ImageIndex } from '../images/image-index.js';
import { manifestOrNothing } from '../images/manifest-store.js';
import { isOriginalUsedInStorage } from '../images/original-refs.js';
import { readopt } from '../images/readopt.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface OrphanDeps {
  redis: Redis;
  index: ImageIndex;
  store: ObjectStore;
  logger: Logger;
  /** Asks Redis now whether the index is complete (the index-built sentinel, see images/index-guard.ts). */
  confirmIntact: () => Promise<boolean>;
  /** Runs before each page (the caller renews its lock). */
  onPage?: () => Promise<void>;
}

export interface OrphanResult {
  /** Images whose manifest was in storage and whose record the index had lost: put back. */
  readopted: string[];
  /** Manifests removed: only bare duplicates folded into the owner's older image of the same bytes. */
  manifests: string[];
  originals: string[];
  /** Why nothing was removed, when the sweep did not run. */
  skipped?: string;
}

const ORIGINALS_PREFIX = 'originals/';

/**
 * Settles what a crash or an outage left behind. A manifest whose record the index lacks is
 * RE-ADOPTED, never deleted: it may be an upload answered `201` whose record a failover lost
 * (replication is asynchronous), and storage overrules Redis (see images/readopt.ts). Only the
 * upload that wrote a manifest removes it, after Redis refused its pivot. Then originals go
 * that no manifest in storage references (storage/keys.ts, originalRefKey) and no record
 * names. This runs only while the index is known intact, re-checked before every delete.
 * Only objects older than `safeAgeMs` are touched, so an upload in progress keeps its objects.
 */
export async function sweepOrphans(deps: OrphanDeps, options: { safeAgeMs: number; now?: number }): Promise<OrphanResult> {
  const result: OrphanResult = { readopted: [], manifests: [], originals: [] };
  const cutoff = (options.now ?? Date.now()) - options.safeAgeMs;
  const sentinel = await deps.index.sentinel();
  if (!sentinel || !(await deps.confirmIntact())) return { ...result, skipped: 'the index is not known intact' };

  const isOld = async (key: string) => {
    const info = await deps.store.head(key);
    return info !== undefined && info.lastModified.getTime() < cutoff;
  };

  await eachPage(deps, MANIFEST_PREFIX, async (keys) => {
    const ids = keys.map((k) => k.slice(MANIFEST_PREFIX.length).replace(/\.json$/, ''));
    // Indexed ids include cold ones (record evicted on purpose, read from the manifest): not orphans.
    const [records, indexed] = await Promise.all([deps.index.getMany(ids, { cold: false }), deps.index.isIndexed(ids)]);
    for (const [i, key] of keys.entries()) {
      if (records[i] || indexed[i] || !(await isOld(key))) continue;
      const manifest = await manifestOrNothing(deps.store, ids[i]!).catch((err: unknown) => {
        deps.logger.warn({ err, key }, 'an unreadable manifest with no record: left for an operator');
        return undefined;
      });
      if (!manifest) continue;
      const outcome = await readopt(deps, manifest);
      if (outcome.kind === 'adopted') result.readopted.push(manifest.id);
      if (outcome.kind === 'collapsed') result.manifests.push(`${MANIFEST_PREFIX}${outcome.removed}.json`);
    }
  });
  // An unreadable manifest may be an image the index lacks: its original could look unreferenced.
  if (sentinel.unreadable > 0) return { ...result, skipped: 'the index was built with unreadable manifests; fix them and run reindex' };
  // Legacy stores: images written before storage references existed have none until a rebuild writes them.
  if (!sentinel.storageRefs) return { ...result, skipped: 'storage references of originals are not recorded yet; run reindex' };
  await eachPage(deps, ORIGINALS_PREFIX, async (keys) => {
    for (const key of keys) {
      const sha256 = key.slice(key.lastIndexOf('/') + 1);
      if ((await deps.index.isOriginalReferenced(sha256)) || !(await isOld(key))) continue;
      // The index may have lost the image that uses it: storage decides.
      if (await isOriginalUsedInStorage(deps.store, sha256)) continue;
      await confirmStillIntact(deps);
      await deps.store.delete(key);
      result.originals.push(key);
    }
  });
  if (result.readopted.length > 0) deps.logger.warn({ readopted: result.readopted.length }, 're-adopted images the index had lost');
  if (result.manifests.length + result.originals.length > 0) {
    deps.logger.warn({ duplicateManifests: result.manifests.length, originals: result.originals.length }, 'removed orphaned objects');
  }
  return result;
}

/**
 * Called after "unreferenced" was decided and before the delete: if Redis was wiped in between,
 * the answer came from an empty index, and the sentinel is gone too.
 */
async function confirmStillIntact(deps: OrphanDeps): Promise<void> {
  if (!(await deps.confirmIntact())) throw new IndexLostError();
}

async function eachPage(deps: OrphanDeps, prefix: string, visit: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor: string | undefined;
  do {
    await deps.onPage?.();
    const page = await deps.store.list(prefix, { cursor, limit: 200 });
    cursor = page.cursor;
    await visit(page.keys);
  } while (cursor);
}

export class IndexLostError extends Error {
  constructor() {
    super('the image index was lost during the orphan sweep; stopped without deleting more');
    this.name = 'IndexLostError';
  }
}
