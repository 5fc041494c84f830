/**
 * `npm run bench:replica-wait`: what IMGSVC_REDIS_WAIT_REPLICAS costs the upload's pivot, on a
 * real primary and replica on this machine (loopback: a real network adds its round trip).
 * Runs the pivot (ImageIndex.createAndEnqueue) N times without WAIT and with WAIT 1, and prints
 * the median and p99 of each. Figures only; nothing is asserted.
 */
import { newImageIdInShard } from '../services/core/shards.js';
import { dedupKey } from '../services/core/dedup-key.js';
import { dedupShard, redisKeys, shardCount } from '../services/redis/keys.js';
import { ImageIndex } from '../services/images/image-index.js';
import type { ImageRecord } from '../services/images/image-record.js';
import { waitForReplicas } from '../services/redis/replica-wait.js';
import { startReplicatedPair } from '../test/helpers/redis-replica.js';

const N = Number(process.env.BENCH_PIVOTS ?? 500);
const pair = await startReplicatedPair();
try {
  const index = new ImageIndex(pair.primary.client);
  const record = (i: number): ImageRecord => {
    const now = new Date().toISOString();
    const sha256 = i.toString(16).padStart(64, '0');
    // Minted into its dedup entry's shard, as uploads mint ids: the pivot is then one slot.
    const id = newImageIdInShard(dedupShard(dedupKey({ ownerId: 'bench', sha256 })), shardCount());
    return { id, ownerId: 'bench', visibility: 'public', sha256, format: 'jpeg', width: 4000, height: 3000, bytes: 2_500_000, orientation: 1, hasAlpha: false, frames: 1, status: 'processing', createdAt: now, updatedAt: now, variants: [], meta: { tags: ['bench'], title: `Image ${i}` }, revision: 0 };
  };
  const run = async (label: string, wait: boolean, offset: number) => {
    const ms: number[] = [];
    for (let i = 0; i < N; i++) {
      const started = performance.now();
      const r = record(offset + i);
      await index.createAndEnqueue(r);
      if (wait) await waitForReplicas(pair.primary.client, redisKeys.image(r.id), 1, 1000);
      ms.push(performance.now() - started);
    }
    ms.sort((a, b) => a - b);
    const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(3);
    console.log(`${label}: median ${q(0.5)} ms, p99 ${q(0.99)} ms over ${N} pivots`);
    return Number(q(0.5));
  };
  await run('warm-up', false, 10_000_000);
  const without = await run('pivot, no WAIT', false, 0);
  const withWait = await run('pivot + WAIT 1 (one replica)', true, N);
  console.log(`WAIT 1 adds ${(withWait - without).toFixed(3)} ms to the median pivot on loopback (indicative: a shared, loaded machine)`);
} finally {
  await pair.stop();
}
