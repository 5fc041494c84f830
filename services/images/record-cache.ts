import { LRUCache } from 'lru-cache';
import type { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';

/**
 * Records on the serving path, kept in memory for a short while: what serving reads from a
 * record (hash, format, dimensions) never changes, so a few seconds of staleness only delays
 * status changes, and a hot image costs no Redis round trip.
 */
export class RecordCache {
  private readonly cache: LRUCache<string, ImageRecord>;

  constructor(
    private readonly index: ImageIndex,
    options: { max?: number; ttlMs?: number } = {},
  ) {
    this.cache = new LRUCache({ max: options.max ?? 50_000, ttl: options.ttlMs ?? 5_000 });
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const record = await this.index.get(id);
    if (record) this.cache.set(id, record);
    return record;
  }
}
