import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Defect 12: small HTTP edges, each over a real socket against the real service. */

/** GET with the path sent exactly as written (fetch would normalise some of these). */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/`, { path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('with the request host as the base URL', () => {
  let t: TestService;
  let id: string;
  let bytes: number;
  beforeAll(async () => {
    t = await startTestService();
    const up = await uploadBytes(t.url, await readFile(corpusPath('photos/tower_progressive.jpg')), 'image/jpeg');
    id = up.body.id as string;
    bytes = up.body.bytes as number;
  });
  afterAll(() => t.stop());

  it.each(['/v1/images/%', '/v1/images/%zz/original', '/v1/images/%E0%A4%A/srcset', '/v1/images/sha256/%'])('answers a bad percent-escape in %s with 400', async (path) => {
    const res = await rawGet(t.url, path);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString())).toMatchObject({ error: { status: 400, code: 'invalid_path' } });
  });

  it.each(['__proto__=1', 'constructor=1', 'w=100&__proto__=1', 'fmt=constructor', 'fmt=__proto__', 'toString=1'])('refuses ?%s on /i/<id> with 400', async (query) => {
    const res = await rawGet(t.url, `/i/${id}?${query}`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body.toString()).error.code).toMatch(/^(unknown|invalid)_parameter$/);
  });

  it('refuses ?formats=constructor on the srcset route with 400', async () => {
    const res = await rawGet(t.url, `/v1/images/${id}/srcset?formats=constructor`);
    expect(res.status).toBe(400);
  });

  it('says Vary: Host wherever the Host header went into returned URLs', async () => {
    const srcset = await rawGet(t.url, `/v1/images/${id}/srcset`, { host: 'attacker.example' });
    expect(srcset.status).toBe(200);
    expect(srcset.body.toString()).toContain('http://attacker.example/i/');
    expect(String(srcset.headers['cache-control'])).toContain('public');
    expect(String(srcset.headers.vary)).toMatch(/\bHost\b/);
    const record = await rawGet(t.url, `/v1/images/${id}`, { host: 'attacker.example' });
    expect(String(record.headers.vary)).toMatch(/\bHost\b/);
  });

  it('sends the whole file for a suffix range longer than it (RFC 9110 §14.1.3), and 416 only for what cannot be satisfied', async () => {
    const whole = await getBytes(`${t.url}/v1/images/${id}/original`);
    const longer = await getBytes(`${t.url}/v1/images/${id}/original`, { range: `bytes=-${bytes + 1000}` });
    expect(longer.status).toBe(206);
    expect(longer.headers.get('content-range')).toBe(`bytes 0-${bytes - 1}/${bytes}`);
    expect(longer.body.equals(whole.body)).toBe(true);
    const tail = await getBytes(`${t.url}/v1/images/${id}/original`, { range: 'bytes=-10' });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(whole.body.subarray(bytes - 10))).toBe(true);
    const beyond = await getBytes(`${t.url}/v1/images/${id}/original`, { range: `bytes=${bytes + 5}-` });
    expect(beyond.status).toBe(416);
  });
});

describe('with IMGSVC_PUBLIC_BASE_URL', () => {
  let t: TestService;
  let id: string;
  beforeAll(async () => {
    t = await startTestService({ IMGSVC_PUBLIC_BASE_URL: 'https://img.example.com' });
    const up = await uploadBytes(t.url, await readFile(corpusPath('photos/tower_progressive.jpg')), 'image/jpeg');
    id = up.body.id as string;
  });
  afterAll(() => t.stop());

  it('uses the configured base whatever the Host, and does not vary on it', async () => {
    const srcset = await rawGet(t.url, `/v1/images/${id}/srcset`, { host: 'attacker.example' });
    expect(srcset.body.toString()).not.toContain('attacker.example');
    expect(srcset.body.toString()).toContain('https://img.example.com/i/');
    expect(String(srcset.headers.vary ?? '')).not.toMatch(/\bHost\b/);
  });
});

describe('transforms that run past IMGSVC_TRANSFORM_TIMEOUT_SECONDS', () => {
  let t: TestService;
  let id: string;
  beforeAll(async () => {
    // The widths below are allow-listed: off the ladder, an unsigned width would snap, and all would be one variant.
    const widths = [0, 1, 2].flatMap((round) => Array.from({ length: 8 }, (_, i) => 5600 - round * 800 - i * 100));
    t = await startTestService({ IMGSVC_TRANSFORM_TIMEOUT_SECONDS: '1', IMGSVC_TRANSFORM_CONCURRENCY: '8', IMGSVC_ROLE: 'all', IMGSVC_EAGER_PRESETS: 'thumb=16:webp', IMGSVC_VARIANT_SIZES: widths.join(',') });
    // 5640×3172: a full-size PNG at compression 9 takes several seconds here.
    const up = await uploadBytes(t.url, await readFile(corpusPath('photos/Elephants_5640x3172.jpg')), 'image/jpeg');
    id = up.body.id as string;
  });
  afterAll(() => t.stop());

  it('all answer 503 transform_timeout, also when they time out together', async () => {
    // Several at once: libvips' one error buffer then hands the timeout text to some of them
    // only (the others read "vips2png: unable to write to target" or "Unknown error"). Which ones
    // is a race, so three rounds of eight, each a distinct variant.
    const summary: string[] = [];
    for (const round of [0, 1, 2]) {
      const asks = ['png', 'webp', 'png', 'avif', 'png', 'webp', 'png', 'avif'].map((fmt, i) => `w=${5600 - round * 800 - i * 100}&fmt=${fmt}`);
      const replies = await Promise.all(asks.map((q) => getBytes(`${t.url}/i/${id}?${q}`)));
      for (const r of replies) {
        summary.push(r.status === 200 ? '200' : `${r.status} ${(JSON.parse(r.body.toString()) as { error: { code: string } }).error.code}`);
        if (r.status === 503) expect(r.headers.get('retry-after')).toBe('1');
      }
    }
    for (const line of summary) expect(['200', '503 transform_timeout']).toContain(line);
    expect(summary).toContain('503 transform_timeout');
  }, 120_000);
});
