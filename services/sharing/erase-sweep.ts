import { allShards } from '../core/shards.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { withShortLock } from '../redis/short-lock.js';
import { eraseImage, sweepErasedAnalytics, type EraseDeps } from './erase-image.js';

/**
 * Erases what has been in the trash longer than `eraseAfterSeconds`, oldest first, a batch at a
 * time under a lock (one sweeper across pods). A crash mid-erase leaves the image in the trash
 * index with its manifest, so the next sweep finishes it.
 */
export async function eraseSweep(deps: EraseDeps & { eraseAfterSeconds: number }, now = new Date(), batch = 100): Promise<number> {
  // Idempotent, so outside the lock: it must run every time, even while another sweep is long.
  await sweepErasedAnalytics(deps, now);
  return withShortLock(
    deps.redis,
    redisKeys.eraseLock,
    async () => {
      let erased = 0;
      // Each shard keeps its own trash-by-time; the batch bounds the work of one sweep.
      for (const shard of allShards(shardCount())) {
        if (erased >= batch) break;
        const byTime = redisKeys.trashByTime(shard);
        const due = await deps.redis.zrangebyscore(byTime, '-inf', now.getTime() - deps.eraseAfterSeconds * 1000, 'LIMIT', 0, batch - erased);
        for (const id of due) {
          const record = await deps.index.get(id);
          if (!record || record.deletedAt === undefined) {
            await deps.redis.zrem(byTime, id);
            continue;
          }
          await eraseImage(record, deps, now);
          erased++;
        }
      }
      return erased;
    },
    { ttlMs: 120_000, waitMs: 0 },
  ).catch((err: unknown) => {
    // Another pod holds the lock: it is sweeping now.
    if (err instanceof Error && /in progress/.test(err.message)) return 0;
    throw err;
  });
}

/** Runs the sweep every `intervalSeconds` until stopped. */
export function startEraseSweeps(deps: EraseDeps & { eraseAfterSeconds: number }, intervalSeconds: number): { stop(): void } {
  const timer = setInterval(() => {
    eraseSweep(deps).catch((err: unknown) => deps.logger.warn({ err }, 'erase sweep failed; the next one retries'));
  }, intervalSeconds * 1000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
