import type { ChildProcess } from 'node:child_process';
import type { Cluster, Redis } from 'ioredis';
import type { TestRedis } from './redis.js';
import { startRedisCluster, type TestRedisCluster } from './redis-cluster.js';
import { startRedisSentinel } from './redis-sentinel.js';
import { startTestRedis } from './redis.js';

/**
 * Which Redis the test services run on: one redis-server (the default lane), or a real Redis
 * Cluster / Sentinel group when IMGSVC_TEST_REDIS says so (the cluster lane sets it, see
 * vitest.cluster.config.ts), so the same end-to-end suites run on every form.
 */
export type TestRedisKind = 'standalone' | 'cluster' | 'sentinel';

export function testRedisKind(): TestRedisKind {
  const kind = process.env.IMGSVC_TEST_REDIS ?? 'standalone';
  if (kind !== 'standalone' && kind !== 'cluster' && kind !== 'sentinel') throw new Error(`IMGSVC_TEST_REDIS: expected standalone, cluster or sentinel but received ${JSON.stringify(kind)}`);
  return kind;
}

export interface TestRedisOf extends TestRedis {
  kind: TestRedisKind;
  /** The cluster, in cluster mode (to kill nodes, wait for health). */
  cluster: TestRedisCluster | undefined;
}

export async function startTestRedisOf(kind: TestRedisKind = testRedisKind()): Promise<TestRedisOf> {
  if (kind === 'standalone') return { ...(await startTestRedis()), kind, cluster: undefined };
  if (kind === 'cluster') {
    const cluster = await startRedisCluster();
    return {
      kind,
      cluster,
      url: cluster.url,
      client: clusterTestClient(cluster.client),
      server: groupAsServer(cluster.url, cluster.nodes[0]!.port, cluster.stop),
      stop: cluster.stop,
    };
  }
  const group = await startRedisSentinel();
  const primary = (await group.primary()).client();
  return {
    kind,
    cluster: undefined,
    url: group.url,
    client: primary,
    server: groupAsServer(group.url, group.servers[0]!.port, group.stop),
    stop: async () => {
      primary.disconnect();
      await group.stop();
    },
  };
}

/**
 * A cluster client that answers the whole-keyspace commands the tests use the way one server
 * would: FLUSHALL, KEYS and DBSIZE over every primary, and DEL/EXISTS/UNLINK of keys in several
 * slots one key at a time. Every other command is routed by its key, as in production.
 */
export function clusterTestClient(cluster: Cluster): Redis {
  const masters = () => cluster.nodes('master');
  const perKey = (name: 'del' | 'exists' | 'unlink') => async (...keys: (string | string[])[]) => {
    const counts = await Promise.all(keys.flat().map((k) => cluster[name](k)));
    return counts.reduce((a, b) => a + b, 0);
  };
  const overrides: Record<string, unknown> = {
    flushall: async () => {
      await Promise.all(masters().map((n) => n.flushall()));
      return 'OK';
    },
    keys: async (pattern: string) => (await Promise.all(masters().map((n) => n.keys(pattern)))).flat(),
    dbsize: async () => (await Promise.all(masters().map((n) => n.dbsize()))).reduce((a, b) => a + b, 0),
    del: perKey('del'),
    exists: perKey('exists'),
    unlink: perKey('unlink'),
  };
  return new Proxy(cluster, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop];
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  }) as unknown as Redis;
}

/** A group of servers in the place of a test's single server: `stop()` stops them all. */
function groupAsServer(url: string, port: number, stop: () => Promise<void>): TestRedis['server'] {
  return {
    url,
    port,
    get process(): ChildProcess {
      throw new Error('a cluster or sentinel group has no single process: use the group handles');
    },
    stop,
  };
}
