import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findFreePort } from '../../services/redis/free-port.js';
import { authHeaders } from '../helpers/auth.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { spawnedPerTest, spawnImgsvc, waitForListening, type Spawned } from '../helpers/spawn-imgsvc.js';

const procs = spawnedPerTest('imgsvc-cli-');
// The current test's folder (fresh for each test) and its spawned processes (always reaped).
let cwd = '';
const running = { push: (s: Spawned) => procs.track(s) };
beforeEach(async () => {
  await procs.prepare();
  cwd = procs.cwd();
});
afterEach(procs.reap);

async function serve(env: Record<string, string> = {}, args: string[] = []): Promise<{ s: Spawned; url: string }> {
  const port = await findFreePort();
  const s = spawnImgsvc(['serve', '--port', String(port), ...args], { cwd, env });
  running.push(s);
  return { s, url: await waitForListening(s) };
}

function redisPid(output: string): number | undefined {
  const line = output.split('\n').find((l) => l.includes('started a private redis-server'));
  if (!line) return undefined;
  const url = (JSON.parse(line) as { redisUrl: string }).redisUrl;
  return Number(url.split(':').pop());
}

describe('imgsvc serve', () => {
  it('runs with no configuration: ./data, a private persistent Redis, and a clean SIGTERM', async () => {
    const jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const first = await serve();
    expect(redisPid(first.s.output())).toBeGreaterThan(0);
    const up = await uploadBytes(first.url, jpeg, 'image/jpeg');
    expect(up.status).toBe(201);
    expect((await fetch(`${first.url}/i/${up.body.id}`)).status).toBe(200);
    expect(existsSync(join(cwd, 'data', 'objects', 'manifests', `${up.body.id}.json`))).toBe(true);
    expect(await readdir(join(cwd, 'data', 'redis'))).toContain('appendonlydir');

    first.s.child.kill('SIGTERM');
    expect(await first.s.exited).toEqual({ code: 0, signal: null });
    expect(first.s.output()).toMatch(/imgsvc stopped/);
    // The private redis-server went with it.
    expect(existsSync(join(cwd, 'data', 'redis', 'redis.pid'))).toBe(false);

    // A restart finds the same image: the private Redis keeps an append-only file under ./data.
    const second = await serve();
    const again = await uploadBytes(second.url, jpeg, 'image/jpeg');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(up.body.id);
    second.s.child.kill('SIGTERM');
    expect((await second.s.exited).code).toBe(0);
  });

  it('refuses to share its private Redis with a second process on the same data folder', async () => {
    const first = await serve();
    const second = spawnImgsvc(['reindex'], { cwd });
    running.push(second);
    expect((await second.exited).code).toBe(1);
    expect(second.output()).toMatch(/imgsvc: the Redis in .*data\/redis is in use by a running process/);
    // The first one is unharmed.
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
  });

  it('finishes an in-flight upload on SIGTERM before exiting', async () => {
    const { s, url } = await serve();
    const jpeg = await readFile(corpusPath('photos/starfish.jpg'));
    const reply = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${url}/v1/images`, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg', 'content-length': String(jpeg.length), ...authHeaders(url) },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(jpeg.subarray(0, 100_000), () => {
        s.child.kill('SIGTERM');
        setTimeout(() => req.end(jpeg.subarray(100_000)), 300);
      });
    });
    const result = await reply;
    expect(result.status).toBe(201);
    expect(await s.exited).toEqual({ code: 0, signal: null });
  });

  it('accepts every role', async () => {
    for (const role of ['all', 'upload', 'resizer', 'origin']) {
      const { s, url } = await serve({ IMGSVC_DATA_DIR: join(cwd, role) }, ['--role', role]);
      const health = (await (await fetch(`${url}/healthz`)).json()) as { role: string };
      expect(health.role).toBe(role);
      const uploadRoute = await fetch(`${url}/v1/images`, { method: 'POST', body: 'x', headers: { 'content-type': 'image/png', ...authHeaders(url) } });
      expect(uploadRoute.status).toBe(role === 'all' || role === 'upload' ? 415 : 404);
      s.child.kill('SIGTERM');
      expect((await s.exited).code).toBe(0);
    }
  });

  it('exits with one clear line when there is no Redis to be had', async () => {
    // An empty PATH: no redis-server to be found (node itself is started by absolute path).
    const s = spawnImgsvc(['serve', '--port', '0'], { cwd, env: { PATH: cwd } });
    running.push(s);
    expect((await s.exited).code).toBe(1);
    const lines = s.output().trim().split('\n').filter((l) => l.startsWith('imgsvc:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/REDIS_URL/);
    expect(lines[0]).toMatch(/apt-get install redis-server/);
  });

  it('exits with one clear line when REDIS_URL points nowhere', async () => {
    const port = await findFreePort();
    const s = spawnImgsvc(['serve', '--port', '0'], { cwd, env: { REDIS_URL: `redis://127.0.0.1:${port}`, IMGSVC_REDIS_WAIT_SECONDS: '1' } });
    running.push(s);
    expect((await s.exited).code).toBe(1);
    expect(s.output()).toMatch(/imgsvc: cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+/);
  });

  it('lists every configuration problem before exiting', async () => {
    const s = spawnImgsvc(['serve', '--port', 'x'], { cwd, env: { IMGSVC_MAX_PIXELS: '-1', IMGSVC_PUBLIC_BASE_URL: 'not a url' } });
    running.push(s);
    expect((await s.exited).code).toBe(1);
    const out = s.output();
    expect(out).toMatch(/--port/);
    expect(out).toMatch(/IMGSVC_MAX_PIXELS/);
    expect(out).toMatch(/IMGSVC_PUBLIC_BASE_URL/);
  });

  it('rejects an unknown role with the list of roles', async () => {
    const s = spawnImgsvc(['serve', '--role', 'everything'], { cwd });
    running.push(s);
    expect((await s.exited).code).not.toBe(0);
    expect(s.output()).toMatch(/all, upload, resizer, origin/);
  });
});
