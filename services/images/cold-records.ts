import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import { manifestOrNothing } from './manifest-store.js';

export interface ColdResult {
  checked: number;
  evicted: number;
}

/**
 * Takes out of Redis the records of images nobody read or changed for `idleDays` (Redis' own
 * idle clock of the record key, OBJECT IDLETIME: every read through the record cache touches
 * it), keeping their dedup entry and listing entries. Such an image is then read from its
 * manifest (ImageIndex.readColdFrom, through the record cache), and its next change writes the
 * record back. Only `ready` images whose manifest in storage says the same go: the manifest is
 * the truth, and nothing is lost by dropping the copy. One pass over the id index; idempotent.
 */
export async function evictColdRecords(
  deps: { redis: Redis; index: ImageIndex; store: ObjectStore; logger: Logger },
  options: { idleDays: number; onPage?: () => Promise<void> },
): Promise<ColdResult> {
  const result: ColdResult = { checked: 0, evicted: 0 };
  const idleSeconds = options.idleDays * 86_400;
  for (const shard of allShards(shardCount())) for (let after: string | undefined; ; ) {
    await options.onPage?.();
    const ids = await deps.index.listIds(shard, after, 200);
    if (ids.length === 0) break;
    after = ids[ids.length - 1];
    const pipeline = deps.redis.pipeline();
    for (const id of ids) pipeline.object('IDLETIME', redisKeys.image(id));
    const idle = ((await pipeline.exec()) ?? []).map(([err, seconds]) => (err || seconds === null ? -1 : Number(seconds)));
    const candidates = ids.filter((_, i) => idle[i]! >= idleSeconds);
    result.checked += ids.length;
    if (candidates.length === 0) continue;
    // Read without touching the idle clock of the others; these are about to go anyway.
    const records = await deps.index.getMany(candidates, { cold: false });
    for (const [i, record] of records.entries()) {
      if (!record || record.status !== 'ready' || record.deletedAt !== undefined) continue;
      const manifest = await manifestOrNothing(deps.store, record.id);
      if (!manifest || manifest.revision !== record.revision) continue;
      // Only if nobody changed it in between (same revision): a compare-and-delete.
      const removed = await runScript<number>(deps.redis, 'deleteIfRevision', [redisKeys.image(candidates[i]!)], [String(record.revision)]);
      if (Number(removed) === 1) result.evicted++;
    }
  }
  if (result.evicted > 0) deps.logger.info(result, 'cold image records left Redis (read from their manifests from now on)');
  return result;
}
