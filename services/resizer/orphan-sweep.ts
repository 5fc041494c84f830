import type { Logger } from '../core/logger.js';
import type { ImageIndex } from '../images/image-index.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface OrphanDeps {
  index: ImageIndex;
  store: ObjectStore;
  logger: Logger;
  /** Asks Redis now whether the index is complete (the index-built sentinel, see images/index-guard.ts). */
  confirmIntact: () => Promise<boolean>;
  /** Runs before each page (the caller renews its lock). */
  onPage?: () => Promise<void>;
}

export interface OrphanResult {
  manifests: string[];
  originals: string[];
  /** Why nothing was removed, when the sweep did not run. */
  skipped?: string;
}

const ORIGINALS_PREFIX = 'originals/';

/**
 * Removes what a crash or an outage left behind and nothing references: manifests of uploads
 * that never reached the index (killed, or Redis down, before the pivot), then originals no
 * image uses. "Unreferenced" is only decided while the index is known intact, re-checked on
 * every page: an index wiped with Redis references nothing, and must never cost an original.
 * Only objects older than `safeAgeMs` go, so an upload in progress keeps its objects.
 */
export async function sweepOrphans(deps: OrphanDeps, options: { safeAgeMs: number; now?: number }): Promise<OrphanResult> {
  const result: OrphanResult = { manifests: [], originals: [] };
  const cutoff = (options.now ?? Date.now()) - options.safeAgeMs;
  const sentinel = await deps.index.sentinel();
  if (!sentinel || !(await deps.confirmIntact())) return { ...result, skipped: 'the index is not known intact' };
  // An unreadable manifest may be an image the index lacks: its original could look unreferenced.
  if (sentinel.unreadable > 0) return { ...result, skipped: 'the index was built with unreadable manifests; fix them and run reindex' };

  const isOld = async (key: string) => {
    const info = await deps.store.head(key);
    return info !== undefined && info.lastModified.getTime() < cutoff;
  };

  await eachPage(deps, MANIFEST_PREFIX, async (keys) => {
    const ids = keys.map((k) => k.slice(MANIFEST_PREFIX.length).replace(/\.json$/, ''));
    const records = await deps.index.getMany(ids);
    for (const [i, key] of keys.entries()) {
      if (records[i] || !(await isOld(key))) continue;
      await confirmStillIntact(deps);
      await deps.store.delete(key);
      result.manifests.push(key);
    }
  });
  await eachPage(deps, ORIGINALS_PREFIX, async (keys) => {
    for (const key of keys) {
      const sha256 = key.slice(key.lastIndexOf('/') + 1);
      if ((await deps.index.isOriginalReferenced(sha256)) || !(await isOld(key))) continue;
      await confirmStillIntact(deps);
      await deps.store.delete(key);
      result.originals.push(key);
    }
  });
  if (result.manifests.length + result.originals.length > 0) {
    deps.logger.warn({ manifests: result.manifests.length, originals: result.originals.length }, 'removed orphaned objects');
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
