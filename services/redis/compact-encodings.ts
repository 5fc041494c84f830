import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { isCluster } from './redis-nodes.js';

/**
 * Thresholds under which Redis keeps hashes and sorted sets as listpacks (a few bytes per
 * entry) instead of hash tables and skiplists (tens of bytes per entry). An image record is one
 * hash of about fifteen fields, some longer than the default 64-byte value limit (variants, the
 * placeholder, metadata); owner listings and tag listings hold hundreds of ids. Measured in
 * docs/durability.md (bench:redis-footprint). Lookups in a listpack are linear, so the entry
 * limits stay in the hundreds.
 */
export const COMPACT_ENCODINGS: Readonly<Record<string, string>> = {
  'hash-max-listpack-value': '2048',
  'hash-max-listpack-entries': '128',
  'zset-max-listpack-entries': '512',
  'zset-max-listpack-value': '64',
};

/**
 * Applies them with CONFIG SET, best effort: a managed Redis may refuse CONFIG (then set them
 * in its parameter group; the service works either way, only larger). Only raises a limit.
 *
 * CONFIG SET is per node and not replicated. On a Cluster it goes to every node the client
 * knows, replicas included (a replica promoted at a failover then has it already), and again
 * to every node the client connects to later (`+node`: a node added, or one that restarted
 * with its configuration file's values); the client rereads the topology every few seconds
 * (redis-client.ts), so a restarted node is found without waiting for a MOVED.
 */
export async function applyCompactEncodings(redis: Redis, logger: Logger): Promise<void> {
  if (!isCluster(redis)) {
    await applyOn(redis, logger);
    return;
  }
  const cluster = redis as unknown as { nodes(role: 'all'): Redis[] };
  await Promise.all(cluster.nodes('all').map((node) => applyOn(node, logger)));
}

/** On a Cluster, applies them to every node the client connects to from now on; returns the way to stop. */
export function keepCompactEncodings(redis: Redis, logger: Logger): () => void {
  if (!isCluster(redis)) return () => undefined;
  const onNode = (node: Redis) => void applyOn(node, logger);
  redis.on('+node', onNode);
  return () => void redis.off('+node', onNode);
}

/** One node: the settings it lacks; false when it refused CONFIG (warned once per node). */
async function applyOn(node: Redis, logger: Logger): Promise<boolean> {
  for (const [name, wanted] of Object.entries(COMPACT_ENCODINGS)) {
    try {
      const current = (await node.config('GET', name)) as string[];
      if (Number(current[1] ?? 0) >= Number(wanted)) continue;
      await node.config('SET', name, wanted);
    } catch (err) {
      logger.warn({ err, name, wanted, node: nodeName(node) }, 'could not raise a Redis encoding threshold (CONFIG refused, or the node is unreachable); set it in the Redis configuration (redis.conf or the parameter group) of every node to keep the index compact');
      return false;
    }
  }
  return true;
}

function nodeName(node: Redis): string {
  return `${String(node.options.host)}:${String(node.options.port)}`;
}
