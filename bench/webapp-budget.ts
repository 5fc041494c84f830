/**
 * bench:webapp — the web app's budgets (issue 22), printed, never asserted:
 *  1. the first load of /app: HTML, JavaScript and CSS as sent with brotli (≤ 150 KB);
 *  2. a grid of 100 photos opened in Chromium as a phone (412×915 at 2.625x): image bytes in all (≤ 1 MB);
 *  3. the 50 px grid requests of a 1x screen on the origin's hot path: where each of a second
 *     load's thumbnails came from (`X-Imgsvc-Cache: memory` is the hot path).
 * The service runs in this process with its own Redis (as in the tests); the photos are the
 * corpus's, made distinct by a JPEG comment so dedup keeps all 100.
 */
import { readFile } from 'node:fs/promises';
import type { Page, Response } from 'playwright-core';
import { api, createUser } from '../test/helpers/accounts.js';
import { DESKTOP, launchChromium, PHONE, until } from '../test/helpers/browser.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { uploadBytes } from '../test/helpers/http.js';
import { jpegVariant } from '../test/helpers/jpeg-variant.js';
import { startTestService } from '../test/helpers/service.js';

const PHOTOS = Number(process.env.BENCH_PHOTOS ?? 100);
const SOURCES = ['tower_progressive.jpg', 'starfish.jpg', 'Kite-2560x1600.jpg', 'Wood.jpg', 'ColorfulCups-2560x1600.jpg', 'flower.png.im_q85_444.jpg'];
const PASSWORD = 'bench password, long enough';
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

const t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
const browser = await launchChromium('bench:webapp');
try {
  // 1. First load, compressed.
  const html = await fetch(`${t.url}/app`, { headers: { 'accept-encoding': 'br' } });
  const htmlBytes = Number(html.headers.get('content-length'));
  await html.arrayBuffer();
  const page = await (await fetch(`${t.url}/app`)).text();
  const assets = [...page.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  let assetBytes = 0;
  const rows: string[] = [];
  for (const path of assets) {
    const res = await fetch(`${t.url}${path}`, { headers: { 'accept-encoding': 'br' } });
    // fetch() decodes the body: the bytes on the wire are the Content-Length.
    const sent = Number(res.headers.get('content-length'));
    await res.arrayBuffer();
    const raw = (await (await fetch(`${t.url}${path}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).byteLength;
    assetBytes += sent;
    rows.push(`  ${path}: ${kb(sent)} with ${res.headers.get('content-encoding') ?? 'no encoding'} (${kb(raw)} raw)`);
  }
  console.log(`first load of /app: ${kb(htmlBytes + assetBytes)} of HTML, JS and CSS after brotli (budget 150 KB; JS+CSS alone ${kb(assetBytes)})`);
  for (const r of rows) console.log(r);

  // 2. 100 photos, a phone's grid.
  const owner = await createUser(t.url, t.adminKey, 'bench');
  const sources = await Promise.all(SOURCES.map((n) => readFile(corpusPath(`photos/${n}`))));
  const ids: string[] = [];
  for (let i = 0; i < PHOTOS; i++) {
    const up = await uploadBytes(t.url, jpegVariant(sources[i % sources.length]!, `bench-${i}`), 'image/jpeg', owner.key);
    ids.push(String(up.body.id));
  }
  for (;;) {
    const page = await api(t.url, 'GET', `/v1/images?owner=${owner.id}&status=processing&limit=1`, owner.key);
    if ((page.body.items as unknown[]).length === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const link = await api(t.url, 'POST', `/v1/users/${owner.id}/password-link`, t.adminKey);
  const token = new URL(String(link.body.url)).hash.slice(1);
  await api(t.url, 'POST', `/v1/password-links/${token}`, undefined, { password: PASSWORD });

  const openGrid = async (device: typeof PHONE | typeof DESKTOP, loads: number) => {
    const context = await browser.newContext(device);
    const tab = await context.newPage();
    await tab.goto(`${t.url}/app/sign-in`);
    await tab.getByLabel('Handle').fill('bench');
    await tab.getByLabel('Password').fill(PASSWORD);
    await tab.getByRole('button', { name: 'Sign in' }).click();
    await tab.getByRole('heading', { name: 'Your photos' }).waitFor();
    let last: { url: string; bytes: number; cache: string | null }[] = [];
    for (let n = 0; n < loads; n++) last = await gridLoad(tab, ids.length);
    await context.close();
    return last;
  };
  const onPhone = await openGrid(PHONE, 1);
  const phoneBytes = onPhone.reduce((s, r) => s + r.bytes, 0);
  console.log(`grid of ${onPhone.length} photos on a phone (412×915, 2.625x): ${kb(phoneBytes)} of images (budget 1 MB), largest ${kb(Math.max(...onPhone.map((r) => r.bytes)))}, widths ${[...new Set(onPhone.map((r) => new URL(r.url).searchParams.get('w') ?? new URL(r.url).pathname.split('/').pop()))].join(', ')}`);

  // 3. The 1x grid's thumbnails: the second load should come from memory (the hot path).
  const second = await openGrid(DESKTOP, 2);
  const tiers = new Map<string, number>();
  for (const r of second) tiers.set(r.cache ?? 'none', (tiers.get(r.cache ?? 'none') ?? 0) + 1);
  const thumbs = second.filter((r) => new URL(r.url).pathname.endsWith('/thumb')).length;
  console.log(`1x grid, second load: ${second.length} image responses, ${thumbs} of them the 50 px thumb preset; served from ${[...tiers].map(([k, v]) => `${k} ${v}`).join(', ')} (memory = the origin's hot path); ${kb(second.reduce((s, r) => s + r.bytes, 0))} in all`);
  console.log('(figures on a shared 2-core machine: sizes are exact, anything timed would be indicative only)');
} finally {
  await browser.close();
  await t.stop();
}

/** Opens the grid, scrolls to its end so every lazy thumbnail loads, and returns the /i/ responses (a fresh cache each time). */
async function gridLoad(tab: Page, count: number): Promise<{ url: string; bytes: number; cache: string | null }[]> {
  const seen: Promise<{ url: string; bytes: number; cache: string | null }>[] = [];
  const onResponse = (r: Response) => {
    if (new URL(r.url()).pathname.startsWith('/i/')) seen.push(r.body().then((b) => ({ url: r.url(), bytes: b.length, cache: r.headers()['x-imgsvc-cache'] ?? null })));
  };
  const cdp = await tab.context().newCDPSession(tab);
  await cdp.send('Network.clearBrowserCache');
  await tab.goto('about:blank');
  tab.on('response', onResponse);
  await tab.goto(`${t.url}/app`);
  for (let i = 0; i < 40; i++) {
    await tab.mouse.wheel(0, 2000);
    const loaded = (await tab.evaluate("document.querySelectorAll('.grid img.loaded').length")) as number;
    if (loaded >= count) break;
    await tab.waitForTimeout(250);
  }
  await until(tab, `document.querySelectorAll('.grid img.loaded').length >= ${count}`, 60_000);
  tab.off('response', onResponse);
  return Promise.all(seen);
}
