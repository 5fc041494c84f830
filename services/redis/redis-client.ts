import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { parseRedisUrl, redactRedisUrl, type RedisMode, type RedisTarget } from '../core/redis-url.js';

/** The capped backoff of every reconnect: to the server, the sentinels, or the cluster. */
const backoff = (times: number): number => Math.min(50 * 2 ** times, 2_000);

/**
 * Options every connection shares: commands fail fast while Redis is unreachable (uploads answer
 * 503 instead of hanging) and the client keeps reconnecting in the background.
 */
function failFast(name: string): RedisOptions {
  return {
    connectionName: `imgsvc-${name}`,
    maxRetriesPerRequest: 1,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
  };
}

/**
 * How long a command for one slot is retried while that slot has no reachable primary. A killed
 * primary's slots keep pointing at it until the cluster notices (node timeout) and promotes its
 * replica: seconds. Each try costs one redirection (a refused connection, MOVED back to the dead
 * node, CLUSTERDOWN), and ioredis' default of 16 kept a request for such a slot waiting 4-5 s
 * (a MULTI pipeline re-sent 16 times), long enough to hold every request that touched that
 * slot once, and the rate limits and index checks with it. Six tries (about 0.5 s, 1.2 s at
 * most when the cluster answers CLUSTERDOWN) are plenty for a slot that moved (one MOVED, one
 * ASK) and fail a dead primary's commands fast into 503 + Retry-After; slots of the primaries
 * that are up never enter this path. Measured in docs/redis.md.
 */
export const CLUSTER_RETRY_BUDGET = {
  maxRedirections: 6,
  retryDelayOnFailover: 100,
  retryDelayOnTryAgain: 100,
  retryDelayOnClusterDown: 200,
} as const satisfies Partial<ClusterOptions>;

/**
 * One client for REDIS_URL in any of its forms (core/redis-url.ts): a `Redis` for one server or
 * a Sentinel-managed primary, a `Cluster` for a Redis Cluster. Throws on a URL that config would
 * have refused.
 */
export function createRedisClient(url: string, logger: Logger, name: string, secrets: RedisSecrets = {}): Redis {
  const parsed = parseRedisUrl(url);
  if ('problems' in parsed) throw new Error(`REDIS_URL ${redactRedisUrl(url)}: ${parsed.problems.join('; ')}`);
  const client = clientFor(withSecrets(parsed.target, secrets), name, secrets.password);
  logErrors(client, logger, name);
  return client;
}

/** REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD (core/redis-settings.ts), for a URL that carries none. */
export interface RedisSecrets {
  password?: string | undefined;
  sentinelPassword?: string | undefined;
}

export function withSecrets(target: RedisTarget, secrets: RedisSecrets): RedisTarget {
  if (target.mode === 'standalone') return target; // its password goes in the options (clientFor)
  return {
    ...target,
    ...(secrets.password !== undefined ? { password: secrets.password } : {}),
    ...(target.mode === 'sentinel' && secrets.sentinelPassword !== undefined ? { sentinelPassword: secrets.sentinelPassword } : {}),
  };
}

export function redisModeOf(redis: Redis): RedisMode {
  if (redis instanceof Cluster) return 'cluster';
  return redis.options.sentinels && redis.options.sentinels.length > 0 ? 'sentinel' : 'standalone';
}

function clientFor(target: RedisTarget, name: string, standalonePassword?: string): Redis {
  switch (target.mode) {
    case 'standalone':
      return new Redis(target.url, {
        ...failFast(name),
        enableOfflineQueue: true,
        retryStrategy: backoff,
        ...(standalonePassword !== undefined ? { password: standalonePassword } : {}),
      });
    case 'sentinel':
      return new Redis({
        ...failFast(name),
        enableOfflineQueue: true,
        retryStrategy: backoff,
        sentinels: target.sentinels,
        name: target.masterName,
        db: target.db,
        username: target.username,
        password: target.password,
        sentinelUsername: target.sentinelUsername,
        sentinelPassword: target.sentinelPassword,
        sentinelRetryStrategy: backoff,
        // Hear +switch-master at once rather than at the next failed command.
        failoverDetector: true,
        ...(target.tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
      });
    case 'cluster':
      return clusterAsRedis(
        new Cluster(target.nodes, {
          // A Cluster has no per-command retry budget while it reconnects: with an offline queue a
          // command would wait for the whole cluster to come back. Without one it fails at once
          // (the fail-fast rule); a node that moves or fails over is still retried by the client
          // (MOVED, TRYAGAIN, CLUSTERDOWN) within maxRedirections.
          enableOfflineQueue: false,
          clusterRetryStrategy: backoff,
          slotsRefreshTimeout: 2_000,
          // Reread the topology now and then, not only on a MOVED: a node that restarted or joined
          // is found and given the service's settings (compact-encodings.ts).
          slotsRefreshInterval: 15_000,
          ...CLUSTER_RETRY_BUDGET,
          redisOptions: {
            ...failFast(name),
            username: target.username,
            password: target.password,
            ...(target.tls ? { tls: {} } : {}),
          },
          // With TLS, nodes announce addresses the certificate may not name: keep the hostname.
          ...(target.tls ? { dnsLookup: (address, done) => done(null, address) } : {}),
        }),
      );
  }
}

/**
 * The one place a `Cluster` becomes a `Redis`. Every role is written against `Redis` and uses
 * only commands a Cluster routes by key (keys of one slot per atomic step); the multi-node
 * operations (scans, per-node INFO, blocking and subscriber connections) go through
 * redis/redis-nodes.ts, which tests `instanceof Cluster`. `duplicate` is the one method whose
 * signature differs: `Redis.duplicate(options)` is mapped onto `Cluster.duplicate(nodes,
 * options)`, and a duplicate queues its commands until it is ready (it is a subscriber or a
 * blocking reader that was just opened, not the request path).
 */
function clusterAsRedis(cluster: Cluster): Redis {
  const original = cluster.duplicate.bind(cluster);
  const duplicate = (first?: unknown, second?: Partial<ClusterOptions>): Cluster => {
    let copy: Cluster;
    if (Array.isArray(first)) {
      copy = original(first, { enableOfflineQueue: true, ...second });
    } else {
      const { enableOfflineQueue, ...redisOverride } = (first ?? {}) as RedisOptions;
      copy = original([], {
        enableOfflineQueue: enableOfflineQueue ?? true,
        redisOptions: { ...cluster.options.redisOptions, ...redisOverride },
      });
    }
    clusterAsRedis(copy);
    return copy;
  };
  (cluster as unknown as { duplicate: typeof duplicate }).duplicate = duplicate;
  return cluster as unknown as Redis;
}

function logErrors(client: Redis, logger: Logger, name: string): void {
  let lastLogged = 0;
  client.on('error', (err: Error) => {
    // A dead Redis produces an error per reconnect attempt: log at most one every 5 s.
    if (Date.now() - lastLogged > 5_000) {
      lastLogged = Date.now();
      logger.warn({ err, redis: name }, 'redis connection error');
    }
  });
}
