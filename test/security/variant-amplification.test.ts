import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIDTH_LADDER } from '../../services/core/width-ladder.js';
import { userKey } from '../../services/storage/keys.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, storedKeys, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Issue 21, item 6: anonymous URLs cannot make the origin render and *store* every combination
 * of w, h, q, fmt, fit and dpr. Unsigned explicit sizes snap to the width ladder, `q` counts in
 * signed URLs only, and exact sizes (signed, or allow-listed by the operator or the owner) are
 * one-offs kept in memory, never in storage.
 */
const WIDTH = 1200;
const FORMATS = ['webp', 'avif', 'jpeg', 'png', 'gif'];
let t: TestService;
let alice: TestUser;
let id = '';
let sha = '';

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_VARIANT_SIZES: '333x222' });
  alice = await createUser(t.url, t.adminKey, 'alice');
  const bytes = await sharp(await readFile(corpusPath('photos/Kite-2560x1600.jpg'))).resize(WIDTH).jpeg({ quality: 85 }).toBuffer();
  const up = await uploadBytes(t.url, bytes, 'image/jpeg', alice.key, '?visibility=public');
  expect(up.status).toBe(201);
  id = String(up.body.id);
  sha = String(up.body.sha256);
  expect(sha).toMatch(/^[0-9a-f]{64}$/);
  await waitForStatus(t.url, id, ['ready'], 60_000);
}, 90_000);
afterAll(async () => {
  await t?.stop();
});

/** The image's variants in storage (eager ones, shared by content, and the owner's on-demand ones). */
async function storedVariants(): Promise<string[]> {
  return (await storedKeys(t)).filter((k) => k.startsWith(`variants/${sha.slice(0, 2)}/${sha}/`));
}

async function widthOf(url: string, headers: Record<string, string> = {}): Promise<{ status: number; width: number | undefined; height: number | undefined; headers: Headers }> {
  const res = await getBytes(url, headers);
  if (res.status !== 200) return { status: res.status, width: undefined, height: undefined, headers: res.headers };
  const meta = await sharp(res.body).metadata();
  return { status: res.status, width: meta.width, height: meta.height, headers: res.headers };
}

describe('variant amplification', () => {
  it('300 random anonymous combinations of w, h, q, fmt, fit and dpr leave at most one stored file per rung and format', async () => {
    const eager = (await storedVariants()).length;
    let seed = 21;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const urls: string[] = [];
    for (let i = 0; i < 300; i++) {
      const params = [`w=${1 + next(4000)}`, `fmt=${FORMATS[next(FORMATS.length)]}`, `q=${1 + next(100)}`];
      if (next(2)) params.push(`dpr=${1 + next(3)}${next(2) ? `.${next(10)}` : ''}`);
      if (next(2)) params.push(`h=${1 + next(4000)}`);
      if (next(3) === 0) params.push(`fit=${['inside', 'cover', 'contain', 'fill'][next(4)]}`);
      urls.push(`${t.url}/i/${id}?${params.join('&')}`);
    }
    const statuses: number[] = [];
    for (let i = 0; i < urls.length; i += 6) {
      statuses.push(...(await Promise.all(urls.slice(i, i + 6).map(async (u) => (await getBytes(u)).status))));
    }
    // Every request is answered: snapping changes what is stored, not whether the page works.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const after = await storedVariants();
    const bytes = (await Promise.all(after.map(async (k) => (await t.service.store.getBuffer(k)).length))).reduce((a, b) => a + b, 0);
    const rungs = WIDTH_LADDER.filter((w) => w < WIDTH).length + 1; // the rungs below the original, and the original
    console.log(`6: 300 anonymous combinations left ${after.length - eager} on-demand files (${(bytes / 1e6).toFixed(1)} MB with the ${eager} eager ones); bound ${rungs} rungs × ${FORMATS.length} formats = ${rungs * FORMATS.length}`);
    expect(after.length - eager).toBeLessThanOrEqual(rungs * FORMATS.length);
    // Every stored on-demand file is a rung (or the original's width).
    for (const key of after) {
      const width = Number(/\/(?:o-[^/]+\/)?w(\d+)/.exec(key)?.[1]);
      expect([...WIDTH_LADDER, WIDTH, 50]).toContain(width);
    }
  }, 300_000);

  it('serves a snapped width with the rung\'s ETag and its URL in Content-Location, so <img src="?w=333"> works', async () => {
    const snapped = await widthOf(`${t.url}/i/${id}?w=333&fmt=webp&q=7`);
    expect(snapped).toMatchObject({ status: 200, width: 480 });
    expect(snapped.headers.get('content-location')).toBe(`/i/${id}?w=480&fmt=webp`);
    const rung = await widthOf(`${t.url}${snapped.headers.get('content-location')}`);
    expect(rung.width).toBe(480);
    expect(rung.headers.get('etag')).toBe(snapped.headers.get('etag'));
    // A box keeps its proportions at the snapped width.
    const box = await widthOf(`${t.url}/i/${id}?w=300&h=150&fit=cover&fmt=jpeg`);
    expect(box).toMatchObject({ width: 320, height: 160 });
    expect(box.headers.get('content-location')).toBe(`/i/${id}?w=320&h=160&fit=cover&fmt=jpeg`);
  });

  it('renders signed sizes and quality exactly, in memory only', async () => {
    const minted = await api(t.url, 'POST', `/v1/images/${id}/signed-urls`, alice.key, { variants: [{ w: 333, fmt: 'jpeg', q: 30 }, { w: 517, h: 211, fit: 'cover', fmt: 'webp' }] });
    expect(minted.status).toBe(200);
    const urls = minted.body.urls as Record<string, string>;
    const before = await storedVariants();
    const exact = await widthOf(urls.variant0!);
    expect(exact).toMatchObject({ status: 200, width: 333 });
    expect(exact.headers.get('content-location')).toBeNull();
    expect(await widthOf(urls.variant1!)).toMatchObject({ status: 200, width: 517, height: 211 });
    // The same bytes again, from memory; nothing new in storage.
    expect((await getBytes(urls.variant0!)).headers.get('x-imgsvc-cache')).toBe('memory');
    expect(await storedVariants()).toEqual(before);
    // The quality was honoured: q30 is smaller than the tuned quality at the same (allow-listed) size.
    const q30 = (await getBytes(urls.variant0!)).body.length;
    expect((await getBytes(`${t.url}/i/${id}?w=333&h=222&fmt=jpeg`)).body.length).toBeGreaterThan(q30);
  });

  it('renders the operator\'s and the owner\'s allowed sizes exactly for anyone, in memory only', async () => {
    const before = await storedVariants();
    // IMGSVC_VARIANT_SIZES=333x222
    expect(await widthOf(`${t.url}/i/${id}?w=333&h=222&fmt=jpeg`)).toMatchObject({ status: 200, width: 333 });
    // The owner's list: snapped until alice lists the size, exact afterwards on every pod (the bus drops the cached list).
    expect((await widthOf(`${t.url}/i/${id}?w=517&fmt=webp`)).width).toBe(640);
    const set = await api(t.url, 'PUT', '/v1/me/variant-sizes', alice.key, { sizes: ['517', ' x90', '517'] });
    expect(set).toMatchObject({ status: 200, body: { sizes: ['517', 'x90'] } });
    expect((await api(t.url, 'GET', '/v1/me/variant-sizes', alice.key)).body).toEqual({ sizes: ['517', 'x90'] });
    await expect.poll(async () => (await widthOf(`${t.url}/i/${id}?w=517&fmt=webp`)).width, { timeout: 5_000 }).toBe(517);
    expect((await widthOf(`${t.url}/i/${id}?h=90&fmt=webp`)).height).toBe(90);
    // At whole DPRs only: 517 × 1.2 renders at 2x.
    expect((await widthOf(`${t.url}/i/${id}?w=517&dpr=1.2&fmt=webp`)).width).toBe(1034);
    expect((await storedVariants()).filter((k) => !before.includes(k)).every((k) => /\/w640-/.test(k))).toBe(true);
    // Bad lists are refused, naming the entry.
    expect((await api(t.url, 'PUT', '/v1/me/variant-sizes', alice.key, { sizes: ['12q'] })).status).toBe(400);
    expect((await api(t.url, 'PUT', '/v1/me/variant-sizes', alice.key, { sizes: Array.from({ length: 33 }, (_, i) => String(i + 1)) })).status).toBe(400);
    // The list is on alice's user object in storage: it survives a Redis wipe.
    const stored = JSON.parse((await t.service.store.getBuffer(userKey(alice.id))).toString()) as { variantSizes?: string[] };
    expect(stored.variantSizes).toEqual(['517', 'x90']);
  });
});
