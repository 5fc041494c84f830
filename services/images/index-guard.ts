import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { isRedisUnavailable } from '../core/redis-unavailable.js';
import { redisKeys } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { MANIFEST_PREFIX } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import type { ReindexResult } from './reindex.js';

export type IndexState = 'intact' | 'lost' | 'unknown';

/** How long a sentinel seen present vouches for the index while its slot is unreachable (a failover takes seconds). */
export const UNREACHABLE_GRACE_MS = 60_000;

/**
 * Notices that Redis lost the index (FLUSHALL, failover to an empty replica, a restart without
 * persistence) and rebuilds it from the manifests, one process at a time across the fleet.
 * The sign is the index-built sentinel: missing while manifests exist means the index is gone.
 * Until it is back, `intact()` is false, and reads fall back to the manifests.
 */
export class IndexGuard {
  private state: IndexState = 'unknown';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** When the sentinel was last read present. */
  private confirmedAt: number | undefined;

  constructor(
    private readonly deps: { redis: Redis; index: ImageIndex; store: ObjectStore; logger: Logger },
    private readonly options: {
      checkIntervalMs: number;
      owner: string;
      lockMs?: number;
      onRebuilt?: () => void;
      /**
       * Rebuilds Redis from storage in the one order `imgsvc reindex` uses too
       * (runtime/rebuild-from-storage.ts), calling `onPage` before each page; answers what the
       * records' step restored. Its last step writes the sentinel.
       */
      rebuild: (onPage: () => Promise<void>) => Promise<Pick<ReindexResult, 'restored' | 'duplicates' | 'unreadable'>>;
    },
  ) {}

  /** True only when the index is known complete: an absent record then really means no image. */
  intact(): boolean {
    return this.state === 'intact';
  }

  get currentState(): IndexState {
    return this.state;
  }

  /**
   * Asks Redis now (one GET), for decisions that must not trust the last periodic check: a
   * lookup that missed, the orphan sweep. A missing sentinel starts a check (and rebuild) at once.
   */
  async confirmIntact(): Promise<boolean> {
    if (await this.deps.index.sentinel()) {
      this.confirmedAt = Date.now();
      return true;
    }
    this.state = 'lost';
    void this.check();
    return false;
  }

  /**
   * `confirmIntact` for the write gate: when the sentinel's own slot cannot answer (its cluster
   * primary is failing over) but it was seen within `UNREACHABLE_GRACE_MS`, the index counts
   * as intact. Otherwise one dead primary would refuse every upload, edit and comment of every
   * shard for the seconds its failover takes, though each of them writes only its own slot,
   * which either answers (then the index there is as intact as it was a moment ago) or fails
   * the write by itself. A wipe is still caught: it leaves the sentinel's slot reachable and
   * empty, which this read sees. Not for deletions (the orphan sweep uses `confirmIntact`).
   */
  async confirmIntactForWrite(): Promise<boolean> {
    try {
      return await this.confirmIntact();
    } catch (err) {
      if (isRedisUnavailable(err) && this.confirmedAt !== undefined && Date.now() - this.confirmedAt < UNREACHABLE_GRACE_MS) return true;
      throw err;
    }
  }

  start(): void {
    void this.check();
    if (this.options.checkIntervalMs > 0) this.timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
  }

  /** Stops checking; waits a moment for a check in progress (a long rebuild goes on under its lock, or fails with the connection). */
  async stop(waitMs = 2_000): Promise<void> {
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((r) => (timer = setTimeout(r, waitMs)))]);
    clearTimeout(timer);
  }

  /** One check (and rebuild if needed); concurrent calls share the one in progress. */
  check(): Promise<void> {
    this.running ??= this.checkOnce()
      .catch((err: unknown) => {
        // Redis or storage unavailable: say nothing about the index rather than guess.
        this.state = 'unknown';
        this.deps.logger.warn({ err }, 'checking the image index failed');
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnce(): Promise<void> {
    const { index, store, redis, logger } = this.deps;
    if (await index.sentinel()) {
      this.state = 'intact';
      this.confirmedAt = Date.now();
      return;
    }
    const anyManifest = (await store.list(MANIFEST_PREFIX, { limit: 1 })).keys.length > 0;
    if (!anyManifest) {
      // A new installation: the empty index is the complete one.
      await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0, storageRefs: true });
      this.state = 'intact';
      return;
    }
    this.state = 'lost';
    const lockMs = this.options.lockMs ?? 30_000;
    const locked = await redis.set(redisKeys.reindexLock, this.options.owner, 'PX', lockMs, 'NX');
    if (locked !== 'OK') return; // another process is rebuilding; the next check sees its sentinel
    logger.warn('the image index is missing from Redis while manifests exist; rebuilding it from storage');
    try {
      const started = Date.now();
      const result = await this.options.rebuild(async () => {
        await redis.pexpire(redisKeys.reindexLock, lockMs);
      });
      this.state = 'intact';
      this.options.onRebuilt?.();
      logger.warn(
        { restored: result.restored, duplicates: result.duplicates.length, unreadable: result.unreadable.length, ms: Date.now() - started },
        'rebuilt the image index from storage',
      );
    } finally {
      await runScript(redis, 'compareAndDelete', [redisKeys.reindexLock], [this.options.owner]);
    }
  }
}
