import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../services/redis/free-port.js';
import { DEFAULT_QUALITY } from '../../services/core/quality.js';
import { redisKeys, shardOf } from '../../services/redis/keys.js';
import { everyShard, xlenAll, xpendingAll } from '../helpers/shards.js';
import { RESIZE_GROUP } from '../../services/resizer/job-queue.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes, uploadFile } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { spawnImgsvc, waitForListening, type Spawned } from '../helpers/spawn-imgsvc.js';
import { waitForStatus } from '../helpers/wait-for.js';

/** The upload API alone (no resizer in this process): resizers are started per test. */
let t: TestService;
const children: Spawned[] = [];

beforeAll(async () => {
  t = await startTestService({ IMGSVC_ROLE: 'upload' });
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.child.exitCode === null && c.child.signalCode === null) {
      c.child.kill('SIGKILL');
      await c.exited;
    }
  }
});
afterAll(async () => {
  await t.stop();
});

async function startResizer(env: Record<string, string> = {}): Promise<Spawned> {
  const port = await findFreePort();
  const s = spawnImgsvc(['serve', '--role', 'resizer', '--port', String(port)], {
    cwd: t.dataDir,
    env: {
      REDIS_URL: t.redis.url,
      IMGSVC_DATA_DIR: t.dataDir,
      IMGSVC_RESIZE_CONCURRENCY: '1',
      IMGSVC_RESIZE_VISIBILITY_TIMEOUT_MS: '1500',
      ...env,
    },
  });
  children.push(s);
  await waitForListening(s);
  return s;
}


async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Jobs delivered to a resizer process and not yet acknowledged (consumer names carry the pid). */
async function pendingOf(s: Spawned): Promise<number> {
  let n = 0;
  for (const stream of everyShard(redisKeys.resizeStream)) {
    const summary = (await t.redis.client.xpending(stream, RESIZE_GROUP)) as [number, string, string, [string, string][] | null];
    n += (summary[3] ?? []).filter(([name]) => name.includes(`-${s.child.pid}-`)).reduce((m, [, count]) => m + Number(count), 0);
  }
  return n;
}

function healthUrl(s: Spawned): string {
  const line = s.output().split('\n').find((l) => l.includes('"imgsvc listening"'));
  return `${(JSON.parse(line!) as { url: string }).url}/healthz`;
}

describe('resizer crash safety', () => {
  it('loses nothing when a resizer is SIGKILLed mid-job: another reclaims the job and finishes it', async () => {
    const a = await startResizer();
    const up = await uploadFile(t.url, 'photos/Elephants_5640x3172.jpg');
    expect(up.status).toBe(201);
    await waitUntil(async () => (await pendingOf(a)) > 0);
    a.child.kill('SIGKILL');
    await a.exited;
    const mid = await (await fetch(`${t.url}/v1/images/${up.body.id}`)).json();
    expect(mid).toMatchObject({ status: 'processing' });

    await startResizer();
    const record = await waitForStatus(t.url, up.body.id as string, ['ready', 'failed'], 30_000);
    expect(record.status).toBe('ready');
    const variants = record.variants as { format: string; width: number; height: number; bytes: number }[];
    // The default eager set: the 50 px thumbnail in AVIF, WebP and JPEG.
    expect(variants).toHaveLength(3);
    const sha = up.body.sha256 as string;
    for (const v of variants) {
      const name = v.format === 'png' ? `w${v.width}` : `w${v.width}-q${DEFAULT_QUALITY[v.format as 'avif' | 'webp' | 'jpeg']}`;
      const ext = v.format === 'jpeg' ? 'jpg' : v.format;
      const bytes = await readFile(join(t.dataDir, 'objects', 'variants', sha.slice(0, 2), sha, `${name}.${ext}`));
      const meta = await sharp(bytes).metadata();
      expect(meta.width).toBe(v.width);
      expect(meta.height).toBe(v.height);
    }
    // The stream has nothing left pending: the reclaimed delivery was acknowledged.
    expect(await xpendingAll(t.redis.client, redisKeys.resizeStream, RESIZE_GROUP)).toBe(0);
  });

  it('takes over a SIGKILLed resizer\'s job within 15 s, not after the two-minute visibility timeout', async () => {
    const slow = { IMGSVC_RESIZE_VISIBILITY_TIMEOUT_MS: '120000' };
    const a = await startResizer(slow);
    const up = await uploadBytes(t.url, Buffer.concat([await readFile(corpusPath('photos/Elephants_5640x3172.jpg')), Buffer.from('takeover')]), 'image/jpeg');
    await waitUntil(async () => (await pendingOf(a)) > 0);
    a.child.kill('SIGKILL');
    await a.exited;
    const killed = Date.now();
    const b = await startResizer(slow);
    await waitUntil(async () => (await pendingOf(b)) > 0 || (await pendingOf(a)) === 0, 20_000);
    const tookOverMs = Date.now() - killed;
    expect(tookOverMs).toBeLessThan(15_000);
    expect((await waitForStatus(t.url, up.body.id as string, ['ready', 'failed'], 30_000)).status).toBe('ready');
    process.stdout.write(`takeover after SIGKILL: ${tookOverMs} ms; ready ${Date.now() - killed} ms after the kill\n`);
  });

  it('lets a running job finish on SIGTERM, then exits 0', async () => {
    const a = await startResizer();
    const up = await uploadFile(t.url, 'photos/panoramic.jpg');
    await waitUntil(async () => (await pendingOf(a)) > 0);
    a.child.kill('SIGTERM');
    expect(await a.exited).toEqual({ code: 0, signal: null });
    const record = await (await fetch(`${t.url}/v1/images/${up.body.id}`)).json();
    expect(record).toMatchObject({ status: 'ready' });
  });
});

describe('resizer faults', () => {
  it('dead-letters a poison job at once and marks the image failed with a readable reason', async () => {
    const tiny = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const bytes = Buffer.concat([tiny, Buffer.from('poison')]);
    const up = await uploadBytes(t.url, bytes, 'image/jpeg');
    // The stored original goes bad after it was accepted (bit rot, a bad restore).
    const sha = up.body.sha256 as string;
    await writeFile(join(t.dataDir, 'objects', 'originals', sha.slice(0, 2), sha), bytes.subarray(0, 2000));
    const deadBefore = await xlenAll(t.redis.client, redisKeys.resizeDeadStream);
    await startResizer();
    const record = await waitForStatus(t.url, up.body.id as string);
    expect(record.status).toBe('failed');
    expect(record.error).toMatch(/does not match its SHA-256/);
    // The record is marked failed just before the job is dead-lettered: wait for the second write.
    await waitUntil(async () => (await xlenAll(t.redis.client, redisKeys.resizeDeadStream)) === deadBefore + 1, 5_000);
    expect(await xlenAll(t.redis.client, redisKeys.resizeDeadStream)).toBe(deadBefore + 1);
    const [, fields] = (await t.redis.client.xrevrange(redisKeys.resizeDeadStream(shardOf(up.body.id as string)), '+', '-', 'COUNT', 1))[0]!;
    expect(fields).toEqual(expect.arrayContaining(['image', up.body.id, 'deliveries', '1']));
  });

  it('fails an image whose original vanished, without a crash loop', async () => {
    const bytes = Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from('vanish')]);
    const up = await uploadBytes(t.url, bytes, 'image/jpeg');
    const sha = up.body.sha256 as string;
    await rm(join(t.dataDir, 'objects', 'originals', sha.slice(0, 2), sha));
    const deadBefore = await xlenAll(t.redis.client, redisKeys.resizeDeadStream);
    const r = await startResizer();
    const record = await waitForStatus(t.url, up.body.id as string);
    expect(record).toMatchObject({ status: 'failed', error: 'the original is missing from storage' });
    // Dead-lettered once, and the resizer is still up and idle.
    await new Promise((res) => setTimeout(res, 500));
    expect(await xlenAll(t.redis.client, redisKeys.resizeDeadStream)).toBe(deadBefore + 1);
    expect((await fetch(healthUrl(r))).status).toBe(200);
    expect(await pendingOf(r)).toBe(0);
  });

  it('retries a job that keeps failing and dead-letters it after the delivery limit', async () => {
    const bytes = Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from('retry')]);
    const up = await uploadBytes(t.url, bytes, 'image/jpeg');
    const sha = up.body.sha256 as string;
    // Storage refuses the variant writes every time: a file squats where their folder must go.
    await mkdir(join(t.dataDir, 'objects', 'variants', sha.slice(0, 2)), { recursive: true });
    await writeFile(join(t.dataDir, 'objects', 'variants', sha.slice(0, 2), sha), 'in the way');
    await startResizer({ IMGSVC_RESIZE_VISIBILITY_TIMEOUT_MS: '300', IMGSVC_RESIZE_MAX_DELIVERIES: '3' });
    const record = await waitForStatus(t.url, up.body.id as string, ['failed'], 30_000);
    expect(record.error).toMatch(/gave up after 3 attempts/);
    const [, fields] = (await t.redis.client.xrevrange(redisKeys.resizeDeadStream(shardOf(up.body.id as string)), '+', '-', 'COUNT', 1))[0]!;
    expect(fields).toEqual(expect.arrayContaining(['image', up.body.id, 'deliveries', '4']));
    await rm(join(t.dataDir, 'objects', 'variants', sha.slice(0, 2), sha));
  });
});

describe('repair and reindex', () => {
  it('brings back a variant deleted from storage', async () => {
    await startResizer({ IMGSVC_REPAIR_INTERVAL_SECONDS: '1' });
    const up = await uploadBytes(t.url, Buffer.concat([await readFile(corpusPath('photos/starfish.jpg')), Buffer.from('repair')]), 'image/jpeg');
    const ready = await waitForStatus(t.url, up.body.id as string);
    expect(ready.status).toBe('ready');
    const sha = up.body.sha256 as string;
    const thumb = join(t.dataDir, 'objects', 'variants', sha.slice(0, 2), sha, `w50-q${DEFAULT_QUALITY.webp}.webp`);
    const before = await readFile(thumb);
    await rm(thumb);
    // A resizer SIGKILLed by an earlier test may hold the sweep lock for up to 10 s.
    await waitUntil(async () => (await readFile(thumb).catch(() => undefined)) !== undefined, 40_000);
    expect((await readFile(thumb)).equals(before)).toBe(true);
  });

  it('re-enqueues an image whose job was lost from the stream', async () => {
    const up = await uploadBytes(t.url, Buffer.concat([await readFile(corpusPath('photos/starfish.jpg')), Buffer.from('lost')]), 'image/jpeg');
    const shard = shardOf(up.body.id as string);
    const jobId = await t.redis.client.hget(redisKeys.resizeLive(shard), up.body.id as string);
    await t.redis.client.xdel(redisKeys.resizeStream(shard), jobId!);
    await startResizer({ IMGSVC_REPAIR_INTERVAL_SECONDS: '1' });
    expect((await waitForStatus(t.url, up.body.id as string)).status).toBe('ready');
  });

  it('restores every record from the manifests after Redis is wiped (imgsvc reindex)', async () => {
    const ids: string[] = [];
    for (const tag of ['r1', 'r2', 'r3']) {
      const up = await uploadBytes(t.url, Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from(tag)]), 'image/jpeg');
      ids.push(up.body.id as string);
    }
    await startResizer();
    for (const id of ids) await waitForStatus(t.url, id);
    const before = await Promise.all(ids.map(async (id) => (await fetch(`${t.url}/v1/images/${id}`)).json()));

    await t.redis.client.flushall();
    // Served from the manifest meanwhile (the index rebuilds itself too; reindex is for operators).
    expect((await fetch(`${t.url}/v1/images/${ids[0]}`)).status).toBe(200);

    const run = spawnImgsvc(['reindex'], { cwd: t.dataDir, env: { REDIS_URL: t.redis.url, IMGSVC_DATA_DIR: t.dataDir } });
    children.push(run);
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toMatch(/reindexed \d+ images/);
    const after = await Promise.all(ids.map(async (id) => (await fetch(`${t.url}/v1/images/${id}`)).json()));
    expect(after).toEqual(before);
    // Dedup works again too: the same bytes find the same image.
    const again = await uploadBytes(t.url, Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from('r1')]), 'image/jpeg');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(ids[0]);
  });
});
