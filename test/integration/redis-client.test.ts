import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findClusterPort, startRedisProcess, type RedisProcess } from '../helpers/redis-process.js';
import { createLogger } from '../../services/core/logger.js';
import { createRedisClient, redisModeOf } from '../../services/redis/redis-client.js';
import { isCluster, masterNodes, scanAll } from '../../services/redis/redis-nodes.js';

/** The factory against a real password-protected redis-server: REDIS_PASSWORD beside a URL without one. */
let server: RedisProcess;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-redis-pw-'));
  server = await startRedisProcess(await findClusterPort(), dir, ['--requirepass', 'p@ss/word', '--save', '', '--appendonly', 'no']);
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('createRedisClient on one server', () => {
  const logger = createLogger('silent');

  it('takes the password from REDIS_PASSWORD, and is a standalone client whose helpers use it alone', async () => {
    const redis = createRedisClient(`redis://127.0.0.1:${server.port}`, logger, 'pw-test', { password: 'p@ss/word' });
    try {
      expect(await redis.set('pw-test:a', '1')).toBe('OK');
      expect(redisModeOf(redis)).toBe('standalone');
      expect(isCluster(redis)).toBe(false);
      expect(masterNodes(redis)).toEqual([redis]);
      const keys: string[] = [];
      for await (const batch of scanAll(redis, 'pw-test:*')) keys.push(...batch);
      expect(keys).toEqual(['pw-test:a']);
    } finally {
      redis.disconnect();
    }
  });

  it('fails fast without it (NOAUTH), rather than hanging', async () => {
    const redis = createRedisClient(`redis://127.0.0.1:${server.port}`, logger, 'pw-test');
    try {
      const started = Date.now();
      await expect(redis.get('pw-test:a')).rejects.toThrow(/NOAUTH|Authentication required/);
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a URL config would have refused', () => {
    expect(() => createRedisClient('redis+cluster://', logger, 'x')).toThrow(/at least one host:port node/);
  });
});
