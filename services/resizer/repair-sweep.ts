import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { JobQueue } from './job-queue.js';
import { sweepOrphans, type OrphanResult } from './orphan-sweep.js';

export interface SweepResult {
  checked: number;
  requeued: string[];
  orphans: OrphanResult | undefined;
}

export interface SweepDeps {
  redis: Redis;
  index: ImageIndex;
  store: ObjectStore;
  queue: JobQueue;
  logger: Logger;
  /** See images/index-guard.ts: the orphan sweep removes nothing unless this says the index is complete. */
  confirmIntact: () => Promise<boolean>;
}

/**
 * Makes sure no accepted upload is stranded, and then that nothing unreferenced stays (see orphan-sweep.ts): re-enqueues images still `processing` with no live
 * job (lost with a Redis failover, trimmed, or never restored by a reindex), and `ready` images
 * whose variants are missing from storage. Re-enqueueing is safe: a job for a whole image is a no-op.
 * One sweep runs at a time across the fleet (a Redis lock, renewed each page, that expires on
 * its own if its holder dies).
 */
export async function repairSweep(
  deps: SweepDeps,
  options: { lockMs: number; owner: string; orphanSafeAgeMs: number },
): Promise<SweepResult | undefined> {
  const locked = await deps.redis.set(redisKeys.repairLock, options.owner, 'PX', options.lockMs, 'NX');
  if (locked !== 'OK') return undefined;
  const result: SweepResult = { checked: 0, requeued: [], orphans: undefined };
  try {
    // Read once: a job enqueued after this is newer and so counts as live anyway.
    const lastDelivered = await deps.queue.lastDeliveredIds();
    // Shard by shard: each shard's id index pages on its own.
    for (const shard of allShards(shardCount())) for (let after: string | undefined; ; ) {
      const ids = await deps.index.listIds(shard, after, 200);
      if (ids.length === 0) break;
      await deps.redis.pexpire(redisKeys.repairLock, options.lockMs);
      after = ids[ids.length - 1];
      // Cold records (evicted, images/cold-records.ts) were ready when they left: nothing to repair.
      const records = await deps.index.getMany(ids, { cold: false });
      for (const record of records) {
        if (!record) continue;
        result.checked++;
        if (await needsWork(record, deps, lastDelivered)) {
          await deps.queue.enqueue(record.id, record.sha256);
          result.requeued.push(record.id);
        }
      }
    }
    await deps.queue.trim();
    result.orphans = await sweepOrphans(
      { ...deps, onPage: async () => void (await deps.redis.pexpire(redisKeys.repairLock, options.lockMs)) },
      { safeAgeMs: options.orphanSafeAgeMs },
    );
  } finally {
    // Release only our own lock.
    await runScript(deps.redis, 'compareAndDelete', [redisKeys.repairLock], [options.owner]);
  }
  if (result.requeued.length > 0) deps.logger.warn({ requeued: result.requeued.length, checked: result.checked }, 'repair sweep re-enqueued images');
  return result;
}

async function needsWork(record: ImageRecord, deps: SweepDeps, lastDelivered: ReadonlyMap<number, string>): Promise<boolean> {
  if (record.status === 'processing') return !(await deps.queue.hasLiveJob(record.id, lastDelivered));
  if (record.status !== 'ready') return false;
  const heads = await Promise.all(record.variants.map((v) => deps.store.head(v.key)));
  return heads.some((h) => h === undefined);
}
