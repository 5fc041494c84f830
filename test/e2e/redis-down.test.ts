import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t.stop();
});

async function droppedEvents(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const match = /imgsvc_analytics_events_dropped_total\{reason="redis_error"\} (\d+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

describe('when Redis goes away', () => {
  it('keeps serving known images, counts the analytics it loses, refuses uploads with 503 and reports not ready', async () => {
    const jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const up = await uploadBytes(t.url, jpeg, 'image/jpeg');
    const url = `${t.url}/i/${up.body.id}`;
    expect((await getBytes(url)).status).toBe(200);

    await t.redis.server.stop();

    const started = Date.now();
    const served = await getBytes(url);
    expect(served.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);

    await vi.waitFor(async () => expect(await droppedEvents()).toBeGreaterThanOrEqual(1), { timeout: 15_000, interval: 200 });

    const upload = await uploadBytes(t.url, Buffer.concat([jpeg, Buffer.from('x')]), 'image/jpeg');
    expect(upload.status).toBe(503);
    // index_unavailable when the pivot fails; redis_unavailable when an earlier Redis read (the
    // dedup lookup) fails first and the one classifier of Redis outages answers (core/redis-unavailable.ts).
    expect(upload.body).toMatchObject({ error: { code: expect.stringMatching(/^(index|redis)_unavailable$/) } });
    expect(upload.headers.get('retry-after')).toBeTruthy();

    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { redis: { ok: false }, storage: { ok: true } } });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });
});
