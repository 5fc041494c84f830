import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from '../error-handler.js';
import { loadWebFiles } from './web-app-files.js';
import { pickEncoding } from './web-app-headers.js';
import { webAppRoutes } from './web-app-routes.js';

describe('pickEncoding', () => {
  it.each([
    ['br, gzip', 'br'],
    ['gzip, deflate', 'gzip'],
    ['gzip;q=1, br;q=0', 'gzip'],
    ['identity', undefined],
    ['*', 'br'],
    ['*;q=0, gzip', 'gzip'],
    [undefined, undefined],
  ] as const)('%s → %s', (header, expected) => {
    expect(pickEncoding(header, { br: 1, gzip: 1 })).toBe(expected);
  });
  it('offers only what is stored', () => {
    expect(pickEncoding('br, gzip', {})).toBeUndefined();
  });
});

describe('webAppRoutes', () => {
  let dir: string;
  let base: string;
  let server: ReturnType<express.Express['listen']>;
  let bare: ReturnType<express.Express['listen']>;
  let bareBase: string;
  const js = `console.log(${JSON.stringify('x'.repeat(4000))});`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'imgsvc-web-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>t</title><script type="module" src="/app/assets/a-1.js"></script>');
    await writeFile(join(dir, 'assets', 'a-1.js'), js);
    const listen = (files: ReturnType<typeof loadWebFiles>) => {
      const app = express();
      app.use(webAppRoutes(files));
      app.use(errorHandler());
      return app.listen(0, '127.0.0.1');
    };
    server = listen(loadWebFiles(dir));
    bare = listen(undefined);
    await Promise.all([server, bare].map((s) => new Promise((r) => s.once('listening', r))));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    bareBase = `http://127.0.0.1:${(bare.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    bare?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('redirects / to /app', async () => {
    const res = await fetch(`${base}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/app');
  });

  it('answers every screen with the page, under a strict CSP, revalidated', async () => {
    for (const path of ['/app', '/app/trash', '/app/photos/01ARZ3NDEKTSV4RRFFQ69G5FAV']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob:/);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(await res.text()).toContain('/app/assets/a-1.js');
    }
  });

  it('sends assets compressed as the client accepts, cached for a year', async () => {
    const br = await fetch(`${base}/app/assets/a-1.js`, { headers: { 'accept-encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(Number(br.headers.get('content-length'))).toBeLessThan(js.length / 10);
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('vary')).toBe('Accept-Encoding');
    expect(await br.text()).toBe(js);
    const plain = await fetch(`${base}/app/assets/a-1.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Number(plain.headers.get('content-length'))).toBe(js.length);
  });

  it('answers 404 for an unknown or malformed asset name', async () => {
    for (const name of ['nope.js', '..%2Findex.html', 'index.html']) {
      const res = await fetch(`${base}/app/assets/${name}`);
      expect(res.status).toBe(404);
    }
  });

  it('says how to build the app when it was not built', async () => {
    const res = await fetch(`${bareBase}/app`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('web_app_not_built');
  });
});
