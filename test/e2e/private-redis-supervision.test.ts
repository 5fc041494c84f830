import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { findFreePort } from '../../services/redis/free-port.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { authHeaders } from '../helpers/auth.js';
import { spawnedPerTest, spawnImgsvc, waitForListening, type Spawned } from '../helpers/spawn-imgsvc.js';
import { waitForStatus } from '../helpers/wait-for.js';

const procs = spawnedPerTest('imgsvc-supervise-');
// The current test's folder (fresh for each test) and its spawned processes (always reaped).
let cwd = '';
const running = { push: (s: Spawned) => procs.track(s) };
beforeEach(async () => {
  await procs.prepare();
  cwd = procs.cwd();
});
afterEach(procs.reap);

/** The pid of the private redis-server now running (its pid file), once it differs from `not`. */
async function redisPid(not?: number): Promise<number> {
  return vi.waitFor(
    async () => {
      const pid = Number((await readFile(join(cwd, 'data', 'redis', 'redis.pid'), 'utf8')).trim());
      expect(pid).toBeGreaterThan(0);
      expect(pid).not.toBe(not);
      return pid;
    },
    { timeout: 15_000, interval: 50 },
  );
}

async function tagged(tag: string): Promise<Buffer> {
  return Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from(tag)]);
}

describe('the private redis-server of imgsvc serve', () => {
  it('is restarted after kill -9, with its data; after too many crashes serve exits 1 with one line on stderr', async () => {
    const port = await findFreePort();
    const s = spawnImgsvc(['serve', '--port', String(port)], { cwd, env: { IMGSVC_PRIVATE_REDIS_MAX_RESTARTS: '2', IMGSVC_PRIVATE_REDIS_STABLE_SECONDS: '3600' } });
    running.push(s);
    let stderr = '';
    s.child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const url = await waitForListening(s);
    const before = await uploadBytes(url, await tagged('sv-before'));
    expect((await waitForStatus(url, before.body.id as string)).status).toBe('ready');

    const first = await redisPid();
    process.kill(first, 'SIGKILL');
    const second = await redisPid(first);
    // Uploads work again, and what was stored before the crash is still there (AOF).
    await vi.waitFor(async () => expect((await uploadBytes(url, await tagged('sv-after'))).status).toBe(201), { timeout: 15_000, interval: 200 });
    expect((await fetch(`${url}/v1/images/${before.body.id}`)).status).toBe(200);
    expect(await (await fetch(`${url}/v1/images/sha256/${before.body.sha256}`, { headers: authHeaders(url) })).json()).toMatchObject({ id: before.body.id });
    expect(stderr).toBe('');

    process.kill(second, 'SIGKILL');
    const third = await redisPid(second);
    process.kill(third, 'SIGKILL');
    expect(await s.exited).toEqual({ code: 1, signal: null });
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^imgsvc: the private redis-server .* 3 times in a row; giving up; exiting$/);
  });
});
