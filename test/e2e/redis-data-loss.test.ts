import { readFile } from 'node:fs/promises';
import { manifestKey } from '../../services/storage/keys.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisKeys } from '../../services/redis/keys.js';
import { authHeaders } from '../helpers/auth.js';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';
import { everyShard } from '../helpers/shards.js';

/** The whole service in this process; Redis loses its data under it (FLUSHALL stands for a failover to an empty replica). */
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_RESIZE_CONCURRENCY: '1' });
});
afterAll(async () => {
  await t.stop();
});

async function tagged(tag: string): Promise<Buffer> {
  return Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from(tag)]);
}

async function metric(name: string): Promise<number | undefined> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('after Redis loses its data', () => {
  it('the resizer recreates its consumer group and processes new uploads', async () => {
    const before = await uploadBytes(t.url, await tagged('dl-before'));
    expect((await waitForStatus(t.url, before.body.id as string)).status).toBe('ready');

    await t.redis.client.flushall();
    const after = await uploadBytes(t.url, await tagged('dl-after'));
    expect(after.status).toBe(201);
    expect((await waitForStatus(t.url, after.body.id as string, ['ready', 'failed'], 20_000)).status).toBe('ready');
  });

  it('reports not ready, and the consumer down in metrics, while the consumer loop keeps failing; ready again once it can read', async () => {
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
    // The stream key holds a string: every read and every attempt to recreate the group fails.
    for (const stream of everyShard(redisKeys.resizeStream)) {
      await t.redis.client.del(stream);
      await t.redis.client.set(stream, 'not a stream');
    }
    await vi.waitFor(
      async () => {
        const res = await fetch(`${t.url}/readyz`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ checks: { redis: { ok: true }, resizer: { ok: false, error: expect.stringMatching(/WRONGTYPE/) } } });
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await metric('imgsvc_resize_consumer_up')).toBe(0);

    await t.redis.client.del(...everyShard(redisKeys.resizeStream));
    await vi.waitFor(async () => expect((await fetch(`${t.url}/readyz`)).status).toBe(200), { timeout: 20_000, interval: 200 });
    expect(await metric('imgsvc_resize_consumer_up')).toBe(1);
    const up = await uploadBytes(t.url, await tagged('dl-healed'));
    expect((await waitForStatus(t.url, up.body.id as string, ['ready', 'failed'], 20_000)).status).toBe('ready');
  });
});

describe('the image index after Redis loses its data', () => {
  it('answers from the manifests at once, and rebuilds the index by itself', async () => {
    const up = await uploadBytes(t.url, await tagged('idx-serve'));
    const ready = await waitForStatus(t.url, up.body.id as string);
    expect(ready.status).toBe('ready');

    await t.redis.client.flushall();
    const lookup = await fetch(`${t.url}/v1/images/${up.body.id}`);
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toEqual(ready);
    expect((await getBytes(`${t.url}/i/${up.body.id}?w=100`, { accept: 'image/webp' })).status).toBe(200);
    expect((await fetch(`${t.url}/v1/images/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).status).toBe(404);

    // No reindex command: the record, its dedup entry and the sentinel come back on their own.
    await vi.waitFor(async () => expect(await t.redis.client.exists(redisKeys.image(up.body.id as string), redisKeys.indexBuilt)).toBe(2), {
      timeout: 15_000,
      interval: 100,
    });
    expect(await metric('imgsvc_index_intact')).toBe(1);
    const again = await uploadBytes(t.url, await tagged('idx-serve'));
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(up.body.id);
  });

  // Changed with issue 20: a re-upload inside the rebuild window no longer mints a second id that
  // the rebuild then folds away (with whatever was written on it). It waits for the rebuild, or
  // answers 503 + Retry-After, and then gets the older image back.
  it('keeps one image for bytes re-uploaded while the index was lost: the older, with no second id ever given out', async () => {
    const up = await uploadBytes(t.url, await tagged('idx-dup'));
    await waitForStatus(t.url, up.body.id as string);
    await t.redis.client.flushall();
    let again = await uploadBytes(t.url, await tagged('idx-dup'));
    for (let i = 0; again.status === 503 && i < 30; i++) {
      await new Promise((r) => setTimeout(r, Number(again.headers.get('retry-after') ?? '1') * 1000));
      again = await uploadBytes(t.url, await tagged('idx-dup'));
    }
    expect([again.status, again.body.id]).toEqual([200, up.body.id]);
    await vi.waitFor(async () => expect(await t.redis.client.get(redisKeys.indexBuilt)).not.toBeNull(), { timeout: 15_000, interval: 100 });
    expect(await t.service.store.head(manifestKey(up.body.id as string))).toBeDefined();
    expect((await fetch(`${t.url}/v1/images/sha256/${up.body.sha256}`, { headers: authHeaders(t.url) })).headers.get('x-image-id')).toBe(up.body.id);
  });
});

