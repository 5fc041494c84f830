import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, parsePresets, type Preset } from '../../services/core/eager-presets.js';
import { negotiate } from '../../services/core/negotiate.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { requireTool } from '../helpers/require-tool.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * A real browser (Debian's Chromium, driven by playwright-core) loads a page of plain
 * <img src=".../i/<id>"> tags, as a phone would.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Evaluated in the page (a string, so this file needs no DOM types). */
const ALL_LOADED = '[...document.images].every((img) => img.complete && img.naturalWidth > 0)';
const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;

let t: TestService;
let page: Server;
let browser: Browser;
const images: { id: string; width: number; height: number; hasAlpha: boolean }[] = [];

beforeAll(async () => {
  requireTool(CHROMIUM, 'chromium', 'the real-browser test');
  // max-age=0, so a reload revalidates and the ETag/304 path is exercised by the browser.
  t = await startTestService({ IMGSVC_CACHE_MAX_AGE: '0' });
  for (const file of ['photos/Kite-2560x1600.jpg', 'alpha/city.png', 'orientation/bug725582-testrotate.jpg']) {
    const up = await uploadBytes(t.url, await readFile(corpusPath(file)), 'application/octet-stream');
    images.push({ id: up.body.id as string, width: up.body.width as number, height: up.body.height as number, hasAlpha: up.body.hasAlpha as boolean });
    await waitForStatus(t.url, up.body.id as string);
  }
  const origin = t.url;
  page = createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      // Opt in to Client Hints and delegate them to the image origin.
      'accept-ch': 'Sec-CH-DPR, Sec-CH-Viewport-Width, Sec-CH-Width',
      'permissions-policy': `ch-dpr=(self "${origin}"), ch-viewport-width=(self "${origin}"), ch-width=(self "${origin}")`,
    });
    res.end(`<!doctype html><meta name="viewport" content="width=device-width"><body style="margin:0">${images.map((i) => `<img src="${origin}/i/${i.id}" style="width:100%">`).join('')}</body>`);
  }).listen(0, '127.0.0.1');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  page?.close();
  await t?.stop();
});

describe('a page of <img> tags in Chromium on a phone', () => {
  it('gets AVIF at the width negotiation picks from the headers Chromium really sent, and 304s on reload', async () => {
    const context = await browser.newContext({
      viewport: { width: 412, height: 900 },
      deviceScaleFactor: 2.625,
      isMobile: true,
      userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    });
    const tab = await context.newPage();
    const seen: { url: string; status: number; headers: Record<string, string>; requestHeaders: Record<string, string>; body: Buffer }[] = [];
    tab.on('response', async (response) => {
      if (!response.url().includes('/i/')) return;
      seen.push({
        url: response.url(),
        status: response.status(),
        headers: response.headers(),
        requestHeaders: await response.request().allHeaders(),
        body: response.status() === 200 ? await response.body() : Buffer.alloc(0),
      });
    });
    const pageUrl = `http://127.0.0.1:${(page.address() as AddressInfo).port}/`;
    await tab.goto(pageUrl);
    await tab.waitForFunction(ALL_LOADED);
    expect(seen.filter((s) => s.status === 200)).toHaveLength(images.length);

    for (const response of seen) {
      const image = images.find((i) => response.url.endsWith(i.id))!;
      expect(response.requestHeaders.accept).toContain('image/avif');
      expect(response.headers['content-type']).toBe('image/avif');
      const expected = negotiate({ headers: response.requestHeaders, query: {} }, { ...image, format: 'jpeg', frames: 1 }, presets);
      const meta = await sharp(response.body).metadata();
      expect(meta.width).toBe(expected.spec.width);
      // A phone, so never the desktop default, and never wider than the original.
      expect(meta.width).toBeGreaterThanOrEqual(Math.min(image.width, 828));
    }
    const natural = await tab.evaluate<number[]>('[...document.images].map((img) => img.naturalWidth)');
    const servedWidths = await Promise.all(seen.map(async (s) => (await sharp(s.body).metadata()).width));
    expect([...natural].sort()).toEqual([...servedWidths].sort());

    // Reloads revalidate (max-age=0) with the ETag the browser holds. What the server answered
    // is read from its own metrics: the page sees a revalidated image as the cached 200.
    const served304 = async () =>
      Number(/imgsvc_http_requests_total\{route="\/i\/:id",method="GET",status="304"\} (\d+)/.exec(await (await fetch(`${t.url}/metrics`)).text())?.[1] ?? 0);
    for (let reload = 1; reload <= 2; reload++) {
      const before = await served304();
      seen.length = 0;
      await tab.reload();
      await tab.waitForFunction(ALL_LOADED);
      expect(seen.length).toBe(images.length);
      for (const response of seen) expect(response.requestHeaders['if-none-match'], 'the browser revalidates with its ETag').toBeDefined();
      // Chromium may change its hints between loads (it reports the 980 px layout viewport until
      // the meta viewport applies); a request whose hints pick another variant rightly gets it.
      const unchanged = seen.filter((r) => r.requestHeaders['if-none-match'] === `"${r.headers.etag?.replace(/^"|"$/g, '')}"`).length;
      expect(await served304()).toBe(before + unchanged);
      if (reload === 2) expect(unchanged).toBe(images.length);
    }
    await context.close();
  });
});
