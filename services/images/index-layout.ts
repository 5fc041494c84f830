import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';
import { scanAll } from '../redis/redis-nodes.js';
import { pipelineBySlot, SlotBatch } from '../redis/slot-pipeline.js';

/**
 * The index layout this version writes (recorded in the keyspace description, keyspace-meta.ts).
 * 2: the sharded keyspace's first cut, with one string per dedup entry
 *    (`{s<n>}:dedup:<owner>:<sha256>` → id) and one set per original and shard
 *    (`{s<n>}:sharefs:<sha256>` of ids): 480 B of Redis per image.
 * 3: both folded into one small hash per shard and bytes (redis/keys.ts, `bytes`), and record
 *    hashes in the compact layout (images/record-hash.ts; those are read in either layout and
 *    rewritten by their next change, so only the dedup entries and references are converted).
 */
export const INDEX_LAYOUT = 3;

const DEDUP_RE = /^imgsvc:\{s(\d+)\}:dedup:(.*):([0-9a-f]{64})$/;
const REFS_RE = /^imgsvc:\{s(\d+)\}:sharefs:([0-9a-f]{64})$/;

/**
 * Converts a layout-2 index to layout 3 in place, at start-up (keyspace-meta.ts), losing
 * nothing: each old key is read, its content written into the bytes' hash of the same shard
 * (the same slot), and the old key removed. Idempotent, so two pods starting together, or a
 * pod killed halfway, leave a correct index; a pod of the old version still writing meanwhile
 * can leave a dedup entry or reference unconverted, which the storage fallbacks cover (an
 * upload's dedup miss looks in storage, an original is deleted only when storage has no
 * reference either) and the next `imgsvc reindex` writes again.
 */
export async function upgradeIndexLayout(deps: { redis: Redis; logger: Logger }): Promise<{ dedup: number; refs: number; ms: number }> {
  const started = Date.now();
  const { redis } = deps;
  let dedup = 0;
  let refs = 0;
  for await (const keys of scanAll(redis, 'imgsvc:{s*}:dedup:*', 1000)) {
    const old = keys.map((k) => [k, DEDUP_RE.exec(k)] as const).filter((e): e is [string, RegExpExecArray] => e[1] !== null);
    const values = await pipelineBySlot<string | null>(redis, old.map(([k]) => k), (p, key) => p.get(key));
    const batch = new SlotBatch(redis);
    old.forEach(([key, m], i) => {
      const id = values[i]?.[1];
      if (typeof id === 'string') batch.on(key).hset(redisKeys.bytes(Number(m[1]), m[3]!), m[2]!, id);
      batch.on(key).unlink(key);
      dedup++;
    });
    await execOrThrow(batch);
  }
  for await (const keys of scanAll(redis, 'imgsvc:{s*}:sharefs:*', 1000)) {
    const old = keys.map((k) => [k, REFS_RE.exec(k)] as const).filter((e): e is [string, RegExpExecArray] => e[1] !== null);
    const members = await pipelineBySlot<string[]>(redis, old.map(([k]) => k), (p, key) => p.smembers(key));
    const batch = new SlotBatch(redis);
    old.forEach(([key, m], i) => {
      const ids = members[i]?.[1] ?? [];
      if (ids.length > 0) batch.on(key).hset(redisKeys.bytes(Number(m[1]), m[2]!), Object.fromEntries(ids.map((id) => [id, ''])));
      batch.on(key).unlink(key);
      refs++;
    });
    await execOrThrow(batch);
  }
  const ms = Date.now() - started;
  deps.logger.warn({ dedup, refs, ms }, 'index converted to the compact layout (dedup entries and original references folded into one hash per shard and bytes)');
  return { dedup, refs, ms };
}

async function execOrThrow(batch: SlotBatch): Promise<void> {
  const failed = (await batch.exec()).find(([err]) => err !== null);
  if (failed) throw failed[0];
}
