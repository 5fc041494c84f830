import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { isCluster, masterNodes } from './redis-nodes.js';

/**
 * Redis Cluster's own default, `cluster-require-full-coverage yes`, makes every primary refuse
 * every command (CLUSTERDOWN) from the moment one primary is marked failed until its replica
 * has taken over: one shard's failover stops all of them for those seconds. With `no`, the
 * other primaries keep serving their slots, which is what imgsvc's keyspace is built for (each
 * request touches its own slots; docs/redis.md). Not changed by the service (it is the
 * operator's choice for the whole cluster): said once at start-up, naming the nodes.
 */
export async function warnIfFullCoverageRequired(redis: Redis, logger: Logger): Promise<void> {
  if (!isCluster(redis)) return;
  const answers = await Promise.all(
    masterNodes(redis).map(async (node) => {
      const reply = (await node.config('GET', 'cluster-require-full-coverage').catch(() => [])) as string[];
      return { node: `${String(node.options.host)}:${String(node.options.port)}`, value: reply[1] };
    }),
  );
  const strict = answers.filter((a) => a.value === 'yes').map((a) => a.node);
  if (strict.length > 0) {
    logger.warn(
      { nodes: strict },
      'cluster-require-full-coverage is yes on these Redis Cluster primaries: while any one primary fails over, every shard refuses commands. Set it to no (redis.conf, or CONFIG SET on every node) so the other shards keep answering; see docs/redis.md',
    );
  }
}
