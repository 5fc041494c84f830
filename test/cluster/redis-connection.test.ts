import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createLogger } from '../../services/core/logger.js';
import { keySlot } from '../../services/core/shards.js';
import { createRedisClient, redisModeOf } from '../../services/redis/redis-client.js';
import { waitForRedis } from '../../services/runtime/wait-for-redis.js';
import { dbSizeAll, dedicatedConnection, isCluster, masterNodes, scanAll } from '../../services/redis/redis-nodes.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';
import { startRedisSentinel, type TestRedisSentinel } from '../helpers/redis-sentinel.js';

const logger = createLogger('silent');

describe('the connection layer on a real Redis Cluster (3 primaries, 3 replicas)', () => {
  let cluster: TestRedisCluster;
  let redis: Redis;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = createRedisClient(cluster.url, logger, 'test');
    // Commands fail fast until the cluster client is ready: start-up waits for it, as the service does.
    await waitForRedis(redis, cluster.url, 20_000);
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('is a cluster client behind the Redis type, and routes every key to its slot', async () => {
    expect(redisModeOf(redis)).toBe('cluster');
    expect(isCluster(redis)).toBe(true);
    expect(await cluster.primaries()).toHaveLength(3);
    expect(await cluster.replicas()).toHaveLength(3);
    const keys = Array.from({ length: 60 }, (_, i) => `conn-test:${i}`);
    for (const k of keys) await redis.set(k, k);
    expect(await Promise.all(keys.map((k) => redis.get(k)))).toEqual(keys);
    // The keys land on every primary, and one-slot multi-key commands work on a hash tag.
    expect(new Set(keys.map((k) => keySlot(k))).size).toBeGreaterThan(30);
    await redis.mset('{t}a', '1', '{t}b', '2');
    expect(await redis.mget('{t}a', '{t}b')).toEqual(['1', '2']);
    await expect(redis.mget('conn-test:1', 'conn-test:2')).rejects.toThrow(/CROSSSLOT/);
  });

  it('scans and counts over every primary', async () => {
    const masters = masterNodes(redis);
    expect(masters).toHaveLength(3);
    const perNode = await Promise.all(masters.map((m) => m.dbsize()));
    expect(perNode.every((n) => n > 0)).toBe(true);
    const found: string[] = [];
    for await (const batch of scanAll(redis, 'conn-test:*', 7)) found.push(...batch);
    expect(found.sort()).toEqual(Array.from({ length: 60 }, (_, i) => `conn-test:${i}`).sort());
    expect(await dbSizeAll(redis)).toBe(62);
  });

  it('gives subscribers and blocking readers connections of their own that queue until ready', async () => {
    const sub = dedicatedConnection(redis, 'sub-test');
    const blocking = dedicatedConnection(redis, 'block-test', { commandTimeout: undefined });
    try {
      expect(isCluster(sub)).toBe(true);
      const heard = new Promise<string>((resolve) => sub.on('message', (_c: string, m: string) => resolve(m)));
      await sub.subscribe('conn-test-channel'); // sent before the duplicate is ready: queued, not refused
      await redis.publish('conn-test-channel', 'hello');
      expect(await heard).toBe('hello');
      const popped = blocking.blpop('conn-test-list', 5);
      await new Promise((r) => setTimeout(r, 200));
      await redis.rpush('conn-test-list', 'item');
      expect(await popped).toEqual(['conn-test-list', 'item']);
    } finally {
      sub.disconnect();
      blocking.disconnect();
    }
  });
});

describe('the connection layer through a real Sentinel group (1 primary, 1 replica, 3 sentinels)', () => {
  let group: TestRedisSentinel;
  let redis: Redis;
  beforeAll(async () => {
    group = await startRedisSentinel();
    redis = createRedisClient(group.url, logger, 'test');
    await waitForRedis(redis, group.url, 20_000);
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await group?.stop();
  });

  it('writes to the primary the sentinels name, and follows a failover after kill -9', async () => {
    expect(redisModeOf(redis)).toBe('sentinel');
    expect(masterNodes(redis)).toEqual([redis]);
    await redis.set('before', '1');
    const first = await group.primary();
    expect(first).toBe(group.servers[0]);
    // Give the replica the write before the primary dies.
    await redis.wait(1, 2_000);
    await first.kill();
    const started = Date.now();
    const next = await group.waitForFailover(first);
    expect(next).toBe(group.servers[1]);
    let value: string | null = null;
    while (Date.now() - started < 30_000) {
      value = await redis.get('before').catch(() => null);
      if (value !== null) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(value).toBe('1');
    await redis.set('after', '2');
    expect(await redis.get('after')).toBe('2');
    console.log(`sentinel failover: writes answered again ${Date.now() - started} ms after kill -9 of the primary`);
  }, 90_000);
});
