import { LRUCache } from 'lru-cache';
import { isImageId } from '../core/ids.js';
import type { ObjectStore } from '../storage/object-store.js';
import { ObjectNotFoundError } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { readManifest } from './manifest-store.js';

/**
 * Records on the serving path, kept in memory for a short while, so a hot image costs no
 * Redis round trip. Changes that matter for access (visibility) reach it through the
 * invalidation bus within milliseconds; the TTL bounds staleness if a message is lost. When Redis cannot answer, the
 * manifest in storage (the source of truth) does, so serving depends on storage alone.
 */
export class RecordCache {
  private readonly cache: LRUCache<string, ImageRecord>;

  constructor(
    private readonly index: ImageIndex,
    private readonly store: ObjectStore,
    /**
     * `fallback`: asked on every miss in the index (images/manifest-fallback.ts: storage, with a
     * bounded negative cache, and re-adoption). Without it, the manifest is read only while
     * `indexIntact` says the index is lost.
     */
    options: { max?: number; ttlMs?: number; indexIntact?: () => Promise<boolean>; fallback?: (id: string) => Promise<ImageRecord | undefined> } = {},
  ) {
    this.cache = new LRUCache({ max: options.max ?? 100_000, ttl: options.ttlMs ?? 5_000 });
    this.indexIntact = options.indexIntact ?? (async () => true);
    this.fallback = options.fallback;
  }

  private readonly fallback: ((id: string) => Promise<ImageRecord | undefined>) | undefined;

  /** Drops one record (its visibility or status changed somewhere). */
  delete(id: string): void {
    this.cache.delete(id);
  }

  clear(): void {
    this.cache.clear();
  }
  private readonly indexIntact: () => Promise<boolean>;

  /** The cached record, without waiting (the serving fast path); undefined on a miss. */
  peek(id: string): ImageRecord | undefined {
    return this.cache.get(id);
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    let record: ImageRecord | undefined;
    try {
      if (!this.index.available) throw new Error('the index is not connected');
      record = await this.index.get(id);
      // Redis answered but may have lost the index: then only the manifest can say "no such image".
      if (!record && isImageId(id)) {
        if (this.fallback) record = await this.fallback(id);
        else if (!(await this.indexIntact())) record = await manifestOrNothing(this.store, id);
      }
    } catch (err) {
      if (!isImageId(id)) throw err;
      record = await readManifest(this.store, id).catch((manifestErr: unknown) => {
        if (manifestErr instanceof ObjectNotFoundError) return undefined;
        throw err;
      });
    }
    if (record) this.cache.set(id, record);
    return record;
  }
}

import { manifestOrNothing } from './manifest-store.js';
export { manifestOrNothing };
