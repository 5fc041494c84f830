import type { ChainableCommander, Redis } from 'ioredis';
import { keySlot } from '../core/shards.js';
import { isCluster } from './redis-nodes.js';

/**
 * The pipeline a key's command joins: its slot on a Cluster (a pipeline must map to one node,
 * and the slot is the grouping that holds for any slot layout); on one Redis a single pipeline
 * for all, so the commands go out in one write instead of one per slot (a query over 16 shards
 * and 20 records was 36 socket writes, a quarter of its CPU).
 */
function pipelineGroup(cluster: boolean, key: string): number {
  return cluster ? keySlot(key) : 0;
}

/**
 * Runs one command per key as pipelines grouped by slot on a Cluster (concurrently), as one
 * pipeline on one Redis. Replies come back in the keys' order; a failed command gives its
 * error in place.
 */
export async function pipelineBySlot<T>(
  redis: Redis,
  keys: readonly string[],
  queue: (p: ChainableCommander, key: string, index: number) => void,
): Promise<[Error | null, T][]> {
  const groups = new Map<number, number[]>();
  const cluster = isCluster(redis);
  keys.forEach((key, i) => {
    const slot = pipelineGroup(cluster, key);
    const list = groups.get(slot);
    if (list) list.push(i);
    else groups.set(slot, [i]);
  });
  const out = new Array<[Error | null, T]>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const p = redis.pipeline();
      for (const i of indexes) queue(p, keys[i]!, i);
      const replies = (await p.exec()) ?? [];
      indexes.forEach((keyIndex, j) => {
        out[keyIndex] = (replies[j] as [Error | null, T] | undefined) ?? [new Error('pipeline discarded'), undefined as T];
      });
    }),
  );
  return out;
}

/**
 * Commands queued by the slot of their key and sent as one pipeline per slot on a Cluster (the
 * analytics flush, erasing an image's analytics), as one pipeline on one Redis. `exec` returns
 * every reply, failures in place, in no promised order.
 */
export class SlotBatch {
  private readonly groups = new Map<number, ChainableCommander>();
  private readonly cluster: boolean;
  private queued = 0;

  constructor(private readonly redis: Redis) {
    this.cluster = isCluster(redis);
  }

  /** The pipeline for this key's slot: queue the command that touches it. */
  on(key: string): ChainableCommander {
    const slot = pipelineGroup(this.cluster, key);
    let p = this.groups.get(slot);
    if (!p) this.groups.set(slot, (p = this.redis.pipeline()));
    this.queued++;
    return p;
  }

  get size(): number {
    return this.queued;
  }

  async exec(): Promise<[Error | null, unknown][]> {
    const replies = await Promise.all([...this.groups.values()].map(async (p) => (await p.exec()) ?? []));
    return replies.flat();
  }
}
