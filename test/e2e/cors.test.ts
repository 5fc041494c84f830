import { request } from 'node:http';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeaders } from '../helpers/auth.js';
import { corpusPath } from '../helpers/corpus.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** A page on another origin calling the JSON API, as a browser does it (headers over a real socket). */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.once('error', reject);
    req.end(body);
  });
}

const APP = 'https://app.example.com';
let jpeg: Buffer;
beforeAll(async () => {
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
});

describe('with IMGSVC_CORS_ORIGINS listing origins', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ IMGSVC_CORS_ORIGINS: `${APP}, http://localhost:3000` });
  });
  afterAll(() => t.stop());

  it('answers a preflight for an upload with what the browser needs', async () => {
    const res = await send(t.url, 'OPTIONS', '/v1/images', {
      origin: APP,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    });
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    expect(res.headers['access-control-allow-methods']).toContain('POST');
    expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, If-Match');
    expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
    expect(String(res.headers.vary)).toMatch(/\bOrigin\b/);
  });

  it('lets the page read the upload response and its Location', async () => {
    const res = await send(t.url, 'POST', '/v1/images', { origin: APP, 'content-type': 'image/jpeg', ...authHeaders(t.url) }, jpeg);
    expect(res.status).toBe(201);
    expect(res.headers['access-control-allow-origin']).toBe(APP);
    const exposed = String(res.headers['access-control-expose-headers']).split(/,\s*/);
    expect(exposed).toEqual(expect.arrayContaining(['Location', 'ETag', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset']));
    expect(String(res.headers.vary)).toMatch(/\bOrigin\b/);
    const id = (JSON.parse(res.text) as { id: string }).id;
    const lookup = await send(t.url, 'GET', `/v1/images/${id}`, { origin: 'http://localhost:3000' });
    expect(lookup.headers['access-control-allow-origin']).toBe('http://localhost:3000');
  });

  it('gives other origins nothing to read with, preflight or not', async () => {
    const preflight = await send(t.url, 'OPTIONS', '/v1/images', { origin: 'https://evil.example', 'access-control-request-method': 'POST' });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-headers']).toBeUndefined();
    const get = await send(t.url, 'GET', '/healthz', { origin: 'https://evil.example' });
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    expect(String(get.headers.vary)).toMatch(/\bOrigin\b/);
  });
});

describe('with IMGSVC_CORS_ORIGINS=*', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ IMGSVC_CORS_ORIGINS: '*' });
  });
  afterAll(() => t.stop());

  it('allows any origin with *, and needs no Vary: Origin', async () => {
    const preflight = await send(t.url, 'OPTIONS', '/v1/images', { origin: 'https://anywhere.example', 'access-control-request-method': 'POST' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('*');
    const get = await send(t.url, 'GET', '/healthz', { origin: 'https://anywhere.example' });
    expect(get.headers['access-control-allow-origin']).toBe('*');
    expect(String(get.headers.vary ?? '')).not.toMatch(/\bOrigin\b/);
  });
});

describe('by default', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(() => t.stop());

  it('sends no CORS headers on the JSON API', async () => {
    const get = await send(t.url, 'GET', '/healthz', { origin: APP });
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await send(t.url, 'OPTIONS', '/v1/images', { origin: APP, 'access-control-request-method': 'POST' });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});
