import { LRUCache } from 'lru-cache';
import pLimit, { type LimitFunction } from 'p-limit';
import { AppError, unavailable } from '../core/errors.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import { SingleFlight } from '../core/single-flight.js';
import { OUTPUT_EXT, OUTPUT_MIME, variantName, type VariantSpec } from '../core/variant-spec.js';
import type { ImageRecord } from '../images/image-record.js';
import { ownerVariantKey, variantKey } from '../storage/keys.js';
import { readOriginal } from '../storage/read-original.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { runTransform } from '../imaging/run-transform.js';
import { failureKind } from '../imaging/transform-failure.js';
import type { TransformLimits } from '../imaging/transform-limits.js';
import { withinBudget } from '../imaging/within-budget.js';
import { TransformFailures } from './transform-failures.js';

export type Tier = 'memory' | 'storage' | 'transform';

export interface LoadedVariant {
  data: Buffer;
  name: string;
  contentType: string;
  /** Where the bytes came from for this request. */
  tier: Tier;
}

export interface LoaderOptions {
  /** Bytes of variants kept in memory (LRU). */
  hotCacheBytes: number;
  /** Transforms running at once; more wait in a queue... */
  transformConcurrency: number;
  /** ...of at most this many, past which requests get 503 instead of piling up memory. */
  transformQueue: number;
  limits: TransformLimits;
  /** Bytes transforms may need together (shared with the resizer in the same process). */
  budget: MemoryBudget;
  /** How long a failed transform is remembered and answered without retrying; 0 never. */
  failureTtlSeconds: number;
  onTransform?: (format: string, seconds: number) => void;
  onTransformFailure?: (format: string, reason: 'timeout' | 'error') => void;
}

/** A variant in the hot cache. */
export interface HotVariant {
  data: Buffer;
  name: string;
  contentType: string;
}

/**
 * Gets a variant's bytes from the hot in-memory cache, else from storage (eager variants or an
 * earlier on-demand one), else by transforming the original now and storing the result.
 * Concurrent misses for one variant share one storage read or transform (single-flight, no
 * lock held across I/O); transforms are bounded in count and in the memory their sources'
 * headers say they need, and past the queue the caller gets a 503. A failed transform is
 * remembered for a while and answered without trying again.
 */
export class VariantLoader {
  private readonly hot: LRUCache<string, HotVariant>;
  private readonly flights = new SingleFlight<{ cached: HotVariant; tier: Tier }>();
  private readonly transforms: LimitFunction;
  private readonly failures: TransformFailures;
  /** Per variant in flight: how many requests still wait for it, and the switch that abandons it when none does. */
  private readonly waiting = new Map<string, { waiters: number; controller: AbortController }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly options: LoaderOptions,
  ) {
    this.hot = new LRUCache({ maxSize: options.hotCacheBytes, sizeCalculation: (v) => v.data.length + 200 });
    this.transforms = pLimit(options.transformConcurrency);
    this.failures = new TransformFailures(options.failureTtlSeconds);
  }

  /** Pending plus running transforms, for tests and metrics. */
  get transformsInFlight(): number {
    return this.transforms.activeCount + this.transforms.pendingCount;
  }

  /** The variant from the hot cache, without waiting; undefined on a miss. */
  peek(record: ImageRecord, spec: VariantSpec): LoadedVariant | undefined {
    const hit = this.hot.get(locateVariant(record, spec).key);
    return hit ? { ...hit, tier: 'memory' } : undefined;
  }

  /** The hot cache's entry for a storage key from `locateVariant`, as it is (the hit path allocates nothing). */
  peekKey(key: string): HotVariant | undefined {
    return this.hot.get(key);
  }

  /**
   * With `signal` (the client's connection), a request that goes away stops waiting; once no
   * request waits for a variant, its transform is abandoned: skipped if still queued, stopped
   * between steps if running, and nothing is stored. A call without a signal always waits.
   *
   * `keep: false` (a one-off: an exact size from a signed URL or the allow-list, a box, a
   * signed quality) is kept in the memory cache only, never written to storage, so no URL can
   * fill storage with variants (issue 21, item 6). It is still looked for in storage first: an
   * eager variant may have the same name.
   */
  async load(record: ImageRecord, spec: VariantSpec, signal?: AbortSignal, keep = true): Promise<LoadedVariant> {
    const { name, key } = locateVariant(record, spec);
    const hit = this.hot.get(key);
    if (hit) return { ...hit, tier: 'memory' };
    const failed = this.failures.recall(key);
    if (failed) throw failed;
    let state = this.waiting.get(key);
    if (!state) this.waiting.set(key, (state = { waiters: 0, controller: new AbortController() }));
    const flight = state;
    flight.waiters += 1;
    let counted = true;
    const leave = () => {
      if (!counted) return;
      counted = false;
      flight.waiters -= 1;
      if (flight.waiters === 0) {
        if (this.waiting.get(key) === flight) this.waiting.delete(key);
        if (signal?.aborted) flight.controller.abort(new AppError(499, 'client_closed', 'every client waiting for this variant went away'));
      }
    };
    signal?.addEventListener('abort', leave, { once: true });
    try {
      const { cached, tier } = await this.flights.run(key, () => this.fetchOrMake(record, spec, key, name, flight.controller.signal, keep));
      return { ...cached, tier };
    } catch (err) {
      // Joined a flight the moment its last waiter left: this client is still here, so start afresh.
      if (err instanceof AppError && err.code === 'client_closed' && !signal?.aborted) return this.load(record, spec, signal, keep);
      throw err;
    } finally {
      signal?.removeEventListener('abort', leave);
      leave();
    }
  }

  /** Transforms started and abandoned because every client left, for tests and metrics. */
  abandoned = 0;

  /** One-offs rendered and kept in memory only (never stored), for tests and metrics. */
  oneOffs = 0;

  private async fetchOrMake(record: ImageRecord, spec: VariantSpec, key: string, name: string, abandon: AbortSignal, keep: boolean): Promise<{ cached: HotVariant; tier: Tier }> {
    const contentType = OUTPUT_MIME[spec.format];
    try {
      const data = await this.store.getBuffer(key);
      const cached = { data, name, contentType };
      this.hot.set(key, cached);
      return { cached, tier: 'storage' };
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
    }
    if (this.transforms.pendingCount >= this.options.transformQueue) {
      throw unavailable('overloaded', 'too many images are being prepared right now; retry in a moment');
    }
    const data = await this.transforms(async () => {
      if (abandon.aborted) {
        this.abandoned += 1;
        throw abandon.reason;
      }
      const started = process.hrtime.bigint();
      const original = await readOriginal(this.store, record.sha256);
      // Only the transform's own failures are remembered: a storage error may pass in a moment.
      const rendered = await this.transform(original, spec, abandon).catch((err: unknown) => {
        if (abandon.aborted) {
          this.abandoned += 1;
          throw abandon.reason;
        }
        const error = this.failure(spec, err);
        this.failures.remember(key, error);
        throw error;
      });
      this.options.onTransform?.(spec.format, Number(process.hrtime.bigint() - started) / 1e9);
      if (!keep) {
        this.oneOffs += 1;
        return rendered.data;
      }
      await this.store.put(key, rendered.data, {
        contentType,
        metadata: { source: record.sha256, width: String(rendered.width), height: String(rendered.height) },
      });
      return rendered.data;
    });
    const cached = { data, name, contentType };
    this.hot.set(key, cached);
    return { cached, tier: 'transform' };
  }

  /** The shared transform, once the header says the memory it needs is free. */
  private async transform(original: Buffer, spec: VariantSpec, signal: AbortSignal) {
    const { limits, budget } = this.options;
    const { outputs } = await withinBudget(budget, original, [spec], limits, signal, (source) => runTransform(original, source, [spec], limits, { signal }));
    return outputs[0]!;
  }

  /** A timeout answers 503 (retry later); bytes that do not decode, or any other failure, 500. */
  private failure(spec: VariantSpec, err: unknown): AppError {
    if (err instanceof AppError) return err;
    const timedOut = failureKind(err) === 'timeout';
    this.options.onTransformFailure?.(spec.format, timedOut ? 'timeout' : 'error');
    return timedOut
      ? new AppError(503, 'transform_timeout', 'preparing this image took too long; retry later', { cause: err })
      : new AppError(500, 'transform_failed', 'this image could not be prepared in the requested form', { cause: err });
  }
}

/**
 * A variant's name and storage key: the one derivation both the hot cache and storage use. The
 * eager variants (listed in the record, made for every upload) are shared by content; any
 * other is kept per owner, so whether it was already made says nothing about other owners.
 */
export function locateVariant(record: ImageRecord, spec: VariantSpec): { name: string; key: string } {
  const name = variantName(spec);
  const ext = OUTPUT_EXT[spec.format];
  const shared = variantKey(record.sha256, name, ext);
  if (!record.ownerId || (record.variants ?? []).some((v) => v.key === shared)) return { name, key: shared };
  return { name, key: ownerVariantKey(record.sha256, record.ownerId, name, ext) };
}
