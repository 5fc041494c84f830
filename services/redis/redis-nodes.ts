import { Cluster, type Redis, type RedisOptions } from 'ioredis';

/**
 * What differs between one Redis and a Cluster once keys are tagged into one slot per atomic
 * step: operations that are about *nodes* rather than keys. On one server (or a Sentinel
 * primary) each helper does the plain thing; on a Cluster it does it on every primary.
 */

export function isCluster(redis: Redis): boolean {
  return (redis as unknown) instanceof Cluster;
}

/**
 * The primaries as plain connections: one entry on a single server, every master node on a
 * Cluster (as the client knows them after its last slot refresh). Node connections belong to
 * the cluster client: use them, never quit them.
 */
export function masterNodes(redis: Redis): Redis[] {
  return isCluster(redis) ? (redis as unknown as Cluster).nodes('master') : [redis];
}

/** Runs `fn` on every primary, in parallel; resolves with the results in node order. */
export async function onEveryMaster<T>(redis: Redis, fn: (node: Redis) => Promise<T>): Promise<T[]> {
  return Promise.all(masterNodes(redis).map(fn));
}

/**
 * Every key matching `pattern` on every primary, in batches (SCAN, so a large keyspace never
 * blocks a server). A key may be yielded twice if a slot migrates during the scan, as SCAN
 * itself allows: callers must be idempotent.
 */
export async function* scanAll(redis: Redis, pattern: string, count = 500): AsyncGenerator<string[]> {
  for (const node of masterNodes(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/** The number of keys over every primary (DBSIZE summed). */
export async function dbSizeAll(redis: Redis): Promise<number> {
  const sizes = await onEveryMaster(redis, (node) => node.dbsize());
  return sizes.reduce((a, b) => a + b, 0);
}

/**
 * A connection of its own, for what must not share the request path's: a subscriber, or a
 * blocking read (XREADGROUP BLOCK, BLPOP) that would hold up every other command queued behind
 * it. On a Cluster it is a second cluster client (one connection per node), whose commands
 * queue until it is ready. Blocking reads on it block that node's connection only: give each
 * concurrent blocking reader its own. The caller quits it.
 */
export function dedicatedConnection(redis: Redis, name: string, options: RedisOptions = {}): Redis {
  return redis.duplicate({ connectionName: `imgsvc-${name}`, ...options });
}
