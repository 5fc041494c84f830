import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { superviseRedis } from '../redis/supervise-redis.js';
import { createRedisClient, redisModeOf } from '../redis/redis-client.js';
import type { RedisMode } from '../core/redis-url.js';
import { waitForRedis } from './wait-for-redis.js';

/** How the keyspace is served: one server, a Sentinel-managed primary, or a Redis Cluster (sharded pub/sub, per-node scans). */
export type { RedisMode };

export interface RedisConnection {
  /** A `Cluster` in cluster mode, typed `Redis` (redis/redis-client.ts says why); node-level work goes through redis/redis-nodes.ts. */
  redis: Redis;
  url: string;
  mode: RedisMode;
  /** Closes the client, and stops the private redis-server if this started one. */
  close(): Promise<void>;
}

/**
 * The one rule every command follows: REDIS_URL if set, else the private redis-server whose
 * files live in the data folder (started here, and restarted if it dies; `onFatal` hears when
 * that no longer works). Waits until it answers.
 */
export async function connectRedis(
  config: Config,
  dataDir: string,
  logger: Logger,
  name: string,
  onFatal: (err: Error) => void = (err) => logger.fatal({ err }, err.message),
): Promise<RedisConnection> {
  // The search index places images by the keyspace's shard count (until redis/keys.ts carries it for every builder).
  const dir = join(dataDir, 'redis');
  const privateRedis = config.redisUrl
    ? undefined
    : await superviseRedis(dir, { maxRestarts: config.privateRedisMaxRestarts, stableMs: config.privateRedisStableSeconds * 1000, onGiveUp: onFatal, logger });
  const url = config.redisUrl ?? privateRedis!.url;
  if (privateRedis) logger.info({ redisUrl: url, dir }, 'started a private redis-server (set REDIS_URL to use your own)');
  const secrets = { password: config.redisPassword, sentinelPassword: config.redisSentinelPassword };
  const redis = createRedisClient(url, logger, name, secrets);
  const close = async () => {
    // QUIT would queue behind a reconnect that may never succeed: only a ready client says
    // goodbye, and not for long (a cluster says it to every node, a dead one included).
    if (redis.status === 'ready') await Promise.race([redis.quit().catch(() => undefined), new Promise((r) => setTimeout(r, 2_000).unref())]);
    redis.disconnect();
    await privateRedis?.stop();
  };
  try {
    await waitForRedis(redis, url, config.redisWaitSeconds * 1000, secrets);
  } catch (err) {
    await close();
    throw err;
  }
  return { redis, url, mode: redisModeOf(redis), close };
}
