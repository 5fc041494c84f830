import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { superviseRedis } from '../redis/supervise-redis.js';
import { createRedisClient } from '../redis/redis-client.js';
import { waitForRedis } from './wait-for-redis.js';

export interface RedisConnection {
  redis: Redis;
  url: string;
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
  const dir = join(dataDir, 'redis');
  const privateRedis = config.redisUrl
    ? undefined
    : await superviseRedis(dir, { maxRestarts: config.privateRedisMaxRestarts, stableMs: config.privateRedisStableSeconds * 1000, onGiveUp: onFatal, logger });
  const url = config.redisUrl ?? privateRedis!.url;
  if (privateRedis) logger.info({ redisUrl: url, dir }, 'started a private redis-server (set REDIS_URL to use your own)');
  const redis = createRedisClient(url, logger, name);
  const close = async () => {
    await redis.quit().catch(() => redis.disconnect());
    await privateRedis?.stop();
  };
  try {
    await waitForRedis(redis, url, config.redisWaitSeconds * 1000);
  } catch (err) {
    await close();
    throw err;
  }
  return { redis, url, close };
}
