import { LRUCache } from 'lru-cache';
import { isImageId } from '../core/ids.js';
import type { Logger } from '../core/logger.js';
import type { ImageRecord } from './image-record.js';
import { manifestOrNothing } from './manifest-store.js';
import type { ObjectStore } from '../storage/object-store.js';

/** Unknown ids remembered at most this long: a new upload's id is never asked for before it exists. */
export const NEGATIVE_TTL_MS = 10_000;
/** And at most this many: a scan of random ids evicts its own entries, not memory. */
export const NEGATIVE_MAX = 10_000;

/**
 * What a read does when the index has no record for an id: asks storage. A manifest there is
 * an image Redis lost (a failover, a lost AOF tail): it is served at once and re-adopted in the
 * background (images/readopt.ts), one re-adoption per id at a time. No manifest: the id is
 * remembered as unknown for a short while, in a bounded LRU, so a flood of made-up ids costs
 * one storage GET per id per TTL and no more memory than the cap.
 */
export class ManifestFallback {
  private readonly unknown = new LRUCache<string, true>({ max: NEGATIVE_MAX, ttl: NEGATIVE_TTL_MS });
  private readonly adopting = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: ObjectStore,
    private readonly readopt: (record: ImageRecord) => Promise<unknown>,
    private readonly logger: Logger,
    options: { negativeTtlMs?: number; negativeMax?: number } = {},
  ) {
    if (options.negativeTtlMs !== undefined || options.negativeMax !== undefined) {
      this.unknown = new LRUCache({ max: options.negativeMax ?? NEGATIVE_MAX, ttl: options.negativeTtlMs ?? NEGATIVE_TTL_MS });
    }
  }

  /** The record from storage for an id the index lacks, or undefined (remembered briefly). */
  async find(id: string): Promise<ImageRecord | undefined> {
    if (!isImageId(id) || this.unknown.has(id)) return undefined;
    const record = await manifestOrNothing(this.store, id);
    if (!record) {
      this.unknown.set(id, true);
      return undefined;
    }
    this.readoptSoon(record);
    return record;
  }

  /** How many unknown ids are remembered now (bounded by the cap). */
  get negativeSize(): number {
    return this.unknown.size;
  }

  /** Resolves when every re-adoption started so far has finished (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.adopting.values()]);
  }

  private readoptSoon(record: ImageRecord): void {
    if (this.adopting.has(record.id)) return;
    const running = this.readopt(record)
      .catch((err: unknown) => this.logger.warn({ err, imageId: record.id }, 're-adopting an image found only in storage failed; the sweep retries'))
      .finally(() => this.adopting.delete(record.id));
    this.adopting.set(record.id, running);
  }
}
