import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisKeys } from '../../services/redis/keys.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

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
    await t.redis.client.del(redisKeys.resizeStream);
    await t.redis.client.set(redisKeys.resizeStream, 'not a stream');
    await vi.waitFor(
      async () => {
        const res = await fetch(`${t.url}/readyz`);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ checks: { redis: { ok: true }, resizer: { ok: false, error: expect.stringMatching(/WRONGTYPE/) } } });
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(await metric('imgsvc_resize_consumer_up')).toBe(0);

    await t.redis.client.del(redisKeys.resizeStream);
    await vi.waitFor(async () => expect((await fetch(`${t.url}/readyz`)).status).toBe(200), { timeout: 20_000, interval: 200 });
    expect(await metric('imgsvc_resize_consumer_up')).toBe(1);
    const up = await uploadBytes(t.url, await tagged('dl-healed'));
    expect((await waitForStatus(t.url, up.body.id as string, ['ready', 'failed'], 20_000)).status).toBe('ready');
  });
});
