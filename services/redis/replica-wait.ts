import type { Redis } from 'ioredis';

export interface ReplicaWaitResult {
  wanted: number;
  acknowledged: number;
  ms: number;
}

/**
 * Redis WAIT after a write of `key`: blocks until `replicas` replicas of the primary that holds
 * `key` acknowledged every write sent on its connection so far, or `timeoutMs` passed, and says
 * how many did. It narrows the window in which an acknowledged write lives on the primary only;
 * it does not make a failover lossless (a replica that acknowledged may still not be the one
 * promoted).
 *
 * WAIT names no key, and a Redis Cluster client sends a keyless command to a random primary,
 * whose replicas say nothing about this write. A pipeline is sent whole to the node of its keyed
 * commands' slot: a cheap EXISTS of the written key takes the WAIT to the primary that owns it,
 * on the connection that carried the write. On one Redis (or a Sentinel primary) it is the one
 * connection either way.
 */
export async function waitForReplicas(redis: Redis, key: string, replicas: number, timeoutMs: number): Promise<ReplicaWaitResult> {
  const started = performance.now();
  const replies = (await redis.pipeline().exists(key).wait(replicas, timeoutMs).exec()) ?? [];
  const [err, acknowledged] = replies[1] ?? [new Error('pipeline discarded'), 0];
  if (err) throw err;
  return { wanted: replicas, acknowledged: Number(acknowledged), ms: performance.now() - started };
}
