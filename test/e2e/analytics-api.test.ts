import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../helpers/auth.js';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t.stop();
});

const PHONE = { accept: 'image/avif,image/webp,*/*', 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1' };
const DESKTOP = { accept: '*/*', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0' };

describe('analytics API', () => {
  it('answers stats, top and summary that match the traffic driven', async () => {
    const jpeg = await readFile(corpusPath('photos/starfish.jpg'));
    const a = (await uploadBytes(t.url, jpeg, 'image/jpeg')).body;
    const b = (await uploadBytes(t.url, Buffer.concat([jpeg, Buffer.from('b')]), 'image/jpeg')).body;
    const before = (await (await fetch(`${t.url}/v1/analytics/summary`, { headers: authHeaders(t.url) })).json()) as { requests: number };

    let bytesA = 0;
    for (let i = 0; i < 4; i++) bytesA += (await getBytes(`${t.url}/i/${a.id}`, PHONE)).body.length;
    for (let i = 0; i < 2; i++) bytesA += (await getBytes(`${t.url}/i/${a.id}`, DESKTOP)).body.length;
    const etag = (await fetch(`${t.url}/i/${a.id}`, { headers: PHONE })).headers.get('etag')!;
    const first304 = await getBytes(`${t.url}/i/${a.id}`, { ...PHONE, 'if-none-match': etag });
    expect(first304.status).toBe(304);
    const bytesB = (await getBytes(`${t.url}/i/${b.id}`, DESKTOP)).body.length;
    await t.service.recorder.flush();
    await new Promise((r) => setTimeout(r, 50));
    await t.service.recorder.flush();

    const stats = (await (await fetch(`${t.url}/v1/images/${a.id}/stats`, { headers: authHeaders(t.url) })).json()) as {
      allTime: { requests: number; bytes: number; byFormat: Record<string, number>; byDevice: Record<string, number> };
      range: { requests: number; distinctViewers: number };
    };
    // 4 phone + 2 desktop + 1 ETag probe (phone) + 1 revalidation (phone, 304).
    expect(stats.allTime.requests).toBe(8);
    expect(stats.allTime.byDevice).toEqual({ phone: 6, desktop: 2 });
    expect(stats.allTime.byFormat).toEqual({ avif: 6, jpeg: 2 });
    expect(stats.allTime.bytes).toBeGreaterThan(bytesA);
    expect(stats.range.requests).toBe(8);
    // One address, two User-Agents: two viewers.
    expect(stats.range.distinctViewers).toBe(2);

    const top = (await (await fetch(`${t.url}/v1/analytics/top?window=1h&limit=2`, { headers: authHeaders(t.url) })).json()) as { images: { id: string; value: number }[] };
    expect(top.images).toEqual([{ id: a.id, value: 8 }, { id: b.id, value: 1 }]);
    const topBytes = (await (await fetch(`${t.url}/v1/analytics/top?window=24h&by=bytes&limit=5`, { headers: authHeaders(t.url) })).json()) as { images: { id: string; value: number }[] };
    expect(topBytes.images.find((i) => i.id === b.id)?.value).toBe(bytesB);

    const summary = (await (await fetch(`${t.url}/v1/analytics/summary`, { headers: authHeaders(t.url) })).json()) as { requests: number; uploads: number; hitRatio: number; byDevice: Record<string, number> };
    expect(summary.requests - before.requests).toBe(9);
    expect(summary.uploads).toBeGreaterThanOrEqual(2);
    expect(summary.hitRatio).toBeGreaterThan(0.5);

    // The same, for a person, from the CLI.
    const cli = spawnImgsvc(['stats', '--url', t.url, '--window', '1h', '--limit', '2'], { cwd: t.dataDir, env: { IMGSVC_API_KEY: t.adminKey } });
    expect((await cli.exited).code).toBe(0);
    expect(cli.output()).toMatch(/image requests\s+\d+/);
    expect(cli.output()).toContain(`1. ${a.id}`);
    expect(cli.output()).toMatch(new RegExp(`2\\. ${b.id}\\s+1 requests`));

    const bad = await fetch(`${t.url}/v1/analytics/top?window=forever`, { headers: authHeaders(t.url) });
    expect(bad.status).toBe(400);
    expect((await fetch(`${t.url}/v1/images/01ARZ3NDEKTSV4RRFFQ69G5FAV/stats`, { headers: authHeaders(t.url) })).status).toBe(404);
  });
});
