import type { ChainableCommander, Redis } from 'ioredis';
import { keySlot } from '../core/shards.js';

/**
 * Runs one read per key as pipelines grouped by slot: on Redis Cluster a pipeline must map to
 * one node, and grouping by slot is the grouping that holds for any slot layout. On one Redis
 * the groups run concurrently on the one connection. Replies come back in the keys' order;
 * a failed command gives its error in place.
 */
export async function pipelineBySlot<T>(
  redis: Redis,
  keys: readonly string[],
  queue: (p: ChainableCommander, key: string) => void,
): Promise<[Error | null, T][]> {
  const groups = new Map<number, number[]>();
  keys.forEach((key, i) => {
    const slot = keySlot(key);
    const list = groups.get(slot);
    if (list) list.push(i);
    else groups.set(slot, [i]);
  });
  const out = new Array<[Error | null, T]>(keys.length);
  await Promise.all(
    [...groups.values()].map(async (indexes) => {
      const p = redis.pipeline();
      for (const i of indexes) queue(p, keys[i]!);
      const replies = (await p.exec()) ?? [];
      indexes.forEach((keyIndex, j) => {
        out[keyIndex] = (replies[j] as [Error | null, T] | undefined) ?? [new Error('pipeline discarded'), undefined as T];
      });
    }),
  );
  return out;
}

/**
 * Commands queued by the slot of their key and sent as one pipeline per slot (the analytics
 * flush, erasing an image's analytics): what a cluster accepts, and on one Redis the same
 * commands in a few concurrent pipelines. `exec` returns every reply, failures in place.
 */
export class SlotBatch {
  private readonly groups = new Map<number, ChainableCommander>();
  private queued = 0;

  constructor(private readonly redis: Redis) {}

  /** The pipeline for this key's slot: queue the command that touches it. */
  on(key: string): ChainableCommander {
    const slot = keySlot(key);
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
