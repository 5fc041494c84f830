import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startRedisSentinel, type TestRedisSentinel } from '../helpers/redis-sentinel.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';

let group: TestRedisSentinel;
let cwd: string;
beforeAll(async () => {
  group = await startRedisSentinel();
  cwd = await mkdtemp(join(tmpdir(), 'imgsvc-sentinel-start-'));
}, 120_000);
afterAll(async () => {
  await group?.stop();
  await rm(cwd, { recursive: true, force: true });
});

it('imgsvc serve refuses a Sentinel group that names no such master: one line, every sentinel asked', async () => {
  const url = group.url.replace(/\/[^/]+$/, '/no-such-master');
  const s = spawnImgsvc(['serve', '--port', '0'], { cwd, env: { REDIS_URL: url, IMGSVC_REDIS_WAIT_SECONDS: '2' } });
  expect((await s.exited).code, s.output()).toBe(1);
  const line = s.output().split('\n').find((l) => l.startsWith('imgsvc: '))!;
  expect(line).toMatch(/^imgsvc: cannot reach Redis through Sentinel at redis\+sentinel:\/\/.*: no Sentinel knows a master named "no-such-master" \(tried /);
  for (const sentinel of group.sentinels) expect(line).toContain(`127.0.0.1:${sentinel.port}: knows no master named "no-such-master"`);
});
