import type { Redis } from 'ioredis';
import type { RequestHandler } from 'express';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import type { IndexGuard } from '../images/index-guard.js';
import { indexWriteGate } from '../images/index-write-gate.js';
import { ManifestFallback } from '../images/manifest-fallback.js';
import { manifestOrNothing } from '../images/manifest-store.js';
import { readopt, type ReadoptOutcome } from '../images/readopt.js';
import { redisKeys } from '../redis/keys.js';
import { waitForReplicas } from '../redis/replica-wait.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface Durability {
  /** Storage behind every read that misses in the index (negative-cached, re-adopting). */
  fallback: ManifestFallback;
  readopt: (record: ImageRecord) => Promise<ReadoptOutcome>;
  /** Re-adopts the image of this id from its manifest now, and gives the record the index then holds. */
  recover: (id: string) => Promise<ImageRecord | undefined>;
  /** The upload's wait for replica acknowledgements (IMGSVC_REDIS_WAIT_REPLICAS), when set. */
  afterPivot: ((record: ImageRecord) => Promise<void>) | undefined;
  /** Holds index-dependent writes while the index is not known intact. */
  writeGate: RequestHandler;
}

/** The parts that keep an acknowledged write from being lost to Redis (docs/durability.md). */
export function composeDurability(deps: { config: Config; redis: Redis; index: ImageIndex; store: ObjectStore; logger: Logger; guard: IndexGuard }): Durability {
  const { config, redis, index, store, logger, guard } = deps;
  const readoptOne = (record: ImageRecord) => readopt({ redis, index, store, logger }, record);
  const wanted = config.redisWaitReplicas;
  const afterPivot =
    wanted > 0
      ? async (record: ImageRecord) => {
          // The record's key: its primary is the one that ran the pivot (every key of the pivot is in the record's slot).
          const waited = await waitForReplicas(redis, redisKeys.image(record.id), wanted, config.redisWaitTimeoutMs);
          // Fewer acknowledged: still 201. The manifest is already in storage, and re-adoption
          // restores the record if the primary dies before a replica has it.
          if (waited.acknowledged < wanted) logger.warn({ imageId: record.id, ...waited }, 'fewer Redis replicas acknowledged the upload than IMGSVC_REDIS_WAIT_REPLICAS asks');
        }
      : undefined;
  return {
    fallback: new ManifestFallback(store, readoptOne, logger),
    readopt: readoptOne,
    recover: async (id) => {
      const stored = await manifestOrNothing(store, id);
      if (!stored) return undefined;
      await readoptOne(stored);
      return index.get(id);
    },
    afterPivot,
    writeGate: indexWriteGate(() => guard.confirmIntactForWrite(), { waitMs: config.indexWriteWaitMs }),
  };
}
