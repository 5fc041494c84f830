import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';
import { waitForStatus } from '../helpers/wait-for.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({}, 's3');
});
afterAll(async () => {
  await t.stop();
});

describe('imgsvc on S3-compatible storage', () => {
  it('uploads, makes variants, serves and downloads with everything in the bucket', async () => {
    const jpeg = await readFile(corpusPath('photos/Kite-2560x1600.jpg'));
    const up = await uploadBytes(t.url, jpeg, 'image/jpeg');
    expect(up.status).toBe(201);
    const record = await waitForStatus(t.url, up.body.id as string);
    expect(record.status).toBe('ready');
    const keys = (await t.service.store.list('variants/')).keys;
    // The default eager set: the 50 px thumbnail in AVIF, WebP and JPEG (display sizes come on demand).
    expect(keys.filter((k) => k.includes(up.body.sha256 as string))).toHaveLength(3);
    const original = await t.service.store.head(`originals/${(up.body.sha256 as string).slice(0, 2)}/${up.body.sha256}`);
    expect(original).toMatchObject({ size: jpeg.length, contentType: 'image/jpeg', metadata: { sha256: up.body.sha256 } });

    const served = await getBytes(`${t.url}/i/${up.body.id}`, { accept: 'image/avif,image/webp,*/*', 'sec-ch-viewport-width': '400', 'sec-ch-dpr': '2' });
    expect(served.status).toBe(200);
    expect((await sharp(served.body).metadata()).width).toBe(800);
    const range = await getBytes(`${t.url}/v1/images/${up.body.id}/original`, { range: 'bytes=0-99' });
    expect(range.status).toBe(206);
    expect(range.body.equals(jpeg.subarray(0, 100))).toBe(true);
  });

  it('restores every record from the manifests in the bucket after a Redis wipe (imgsvc reindex)', async () => {
    const jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const ids: string[] = [];
    for (const tag of ['x', 'y']) ids.push((await uploadBytes(t.url, Buffer.concat([jpeg, Buffer.from(tag)]), 'image/jpeg')).body.id as string);
    for (const id of ids) await waitForStatus(t.url, id);
    const before = await Promise.all(ids.map(async (id) => (await fetch(`${t.url}/v1/images/${id}`)).json()));
    const count = (await t.service.store.list('manifests/')).keys.length;

    await t.redis.client.flushall();
    const run = spawnImgsvc(['reindex'], { cwd: t.dataDir, env: t.env });
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toMatch(new RegExp(`reindexed ${count} images, .* from s3://${t.s3!.bucket}/`));
    const after = await Promise.all(ids.map(async (id) => (await fetch(`${t.url}/v1/images/${id}`)).json()));
    expect(after).toEqual(before);
  });

  it('reports not ready and answers uploads with 503 when the store is unreachable', async () => {
    t.s3!.failNext(1_000, 'reset');
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { storage: { ok: false }, redis: { ok: true } } });
    const jpeg = await readFile(corpusPath('photos/starfish.jpg'));
    const up = await uploadBytes(t.url, jpeg, 'image/jpeg');
    expect(up.status).toBe(503);
    expect(up.body).toMatchObject({ error: { code: 'storage_unavailable' } });
    t.s3!.failNext(0, 'reset');
    expect((await uploadBytes(t.url, jpeg, 'image/jpeg')).status).toBe(201);
  });
});
