import { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';

/**
 * Fails commands fast while Redis is unreachable (uploads answer 503 instead of hanging) and
 * keeps reconnecting in the background with a capped backoff.
 */
export function createRedisClient(url: string, logger: Logger, name: string): Redis {
  const client = new Redis(url, {
    connectionName: `imgsvc-${name}`,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
  });
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    // A dead Redis produces an error per reconnect attempt: log at most one every 5 s.
    if (Date.now() - lastLogged > 5_000) {
      lastLogged = Date.now();
      logger.warn({ err, redis: name }, 'redis connection error');
    }
  });
  return client;
}
