import type { Redis } from 'ioredis';
import { allShards } from '../../services/core/shards.js';
import { shardCount } from '../../services/redis/keys.js';
import { compareStreamIds } from '../../services/events/event-query.js';

/** One key per shard (a stream, a listing): the tests' view of what the service spreads over shards. */
export function everyShard(key: (shard: number) => string): string[] {
  return allShards(shardCount()).map(key);
}

/** The entries of one stream per shard, merged by id. */
export async function xrangeAll(client: Redis, key: (shard: number) => string): Promise<[string, string[]][]> {
  const all = (await Promise.all(everyShard(key).map((k) => client.xrange(k, '-', '+')))).flat() as [string, string[]][];
  return all.sort((a, b) => compareStreamIds(a[0], b[0]));
}

/** XLEN summed over the shards. */
export async function xlenAll(client: Redis, key: (shard: number) => string): Promise<number> {
  let n = 0;
  for (const k of everyShard(key)) n += await client.xlen(k);
  return n;
}

/** Pending entries of a group summed over the shards' streams (0 where the group does not exist). */
export async function xpendingAll(client: Redis, key: (shard: number) => string, group: string): Promise<number> {
  let n = 0;
  for (const k of everyShard(key)) n += (((await client.xpending(k, group).catch(() => [0])) as [number])[0] ?? 0);
  return n;
}
