import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findClusterPorts } from '../helpers/redis-process.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';

/** `imgsvc serve` against Redis groups that cannot work: one clear start-up line naming every node tried. */
let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'imgsvc-redis-start-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function serveFails(redisUrl: string): Promise<string> {
  const s = spawnImgsvc(['serve', '--port', '0'], { cwd, env: { REDIS_URL: redisUrl, IMGSVC_REDIS_WAIT_SECONDS: '1' } });
  const exit = await s.exited;
  expect(exit.code, s.output()).toBe(1);
  const stderrLine = s.output().split('\n').find((l) => l.startsWith('imgsvc: '));
  expect(stderrLine, s.output()).toBeDefined();
  return stderrLine!;
}

describe('imgsvc serve refuses to start on a Redis group it cannot use', () => {
  it('a cluster URL with no reachable node: one error listing every node tried', async () => {
    const ports = await findClusterPorts(3);
    const line = await serveFails(`redis+cluster://app:hunter2@${ports.map((p) => `127.0.0.1:${p}`).join(',')}`);
    expect(line).toMatch(/^imgsvc: cannot reach Redis Cluster at redis\+cluster:\/\/app:\*\*\*@/);
    for (const p of ports) expect(line).toContain(`127.0.0.1:${p}: connection refused`);
    expect(line).not.toContain('hunter2');
  });

  it('a cluster URL naming a server that is not in cluster mode', async () => {
    const redis: TestRedis = await startTestRedis();
    try {
      const line = await serveFails(`redis+cluster://127.0.0.1:${redis.server.port}`);
      expect(line).toMatch(new RegExp(`tried 127\\.0\\.0\\.1:${redis.server.port}: This instance has cluster support disabled`));
    } finally {
      await redis.stop();
    }
  });

  it('a sentinel URL whose sentinels do not answer', async () => {
    const ports = await findClusterPorts(2);
    const line = await serveFails(`redis+sentinel://${ports.map((p) => `127.0.0.1:${p}`).join(',')}/mymaster`);
    expect(line).toMatch(/^imgsvc: cannot reach Redis through Sentinel at .*: no Sentinel answered \(tried /);
    for (const p of ports) expect(line).toContain(`127.0.0.1:${p}: connection refused`);
  });

  it('a REDIS_URL of mixed forms is a configuration error listed with the rest', async () => {
    const s = spawnImgsvc(['serve'], { cwd, env: { REDIS_URL: 'redis+cluster://a:1,redis+sentinel://b:2/m', IMGSVC_REDIS_SHARDS: '0' } });
    expect((await s.exited).code).toBe(1);
    expect(s.output()).toMatch(/REDIS_URL: expected one URL of one form/);
    expect(s.output()).toMatch(/IMGSVC_REDIS_SHARDS/);
  });
});
