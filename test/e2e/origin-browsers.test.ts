import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { waitForStatus } from '../helpers/wait-for.js';
import { manifestKey } from '../../services/storage/keys.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadFile } from '../helpers/http.js';
import { differenceFromOriginal } from '../helpers/image-compare.js';
import { startTestService, type TestService } from '../helpers/service.js';

const FOLDERS = ['photos', 'orientation', 'color', 'alpha', 'animated', 'formats'];
const REFUSED = new Set(['formats/windows95.bmp', 'formats/blobs-l.svg']);

interface Profile {
  headers: Record<string, string>;
  /** The width this device should get before the original's width caps it. */
  width: number;
  format: (source: { hasAlpha: boolean; animated: boolean }) => string;
  hinted: boolean;
}

/** Header sets as real browsers send them for an <img> request. */
const PROFILES: Record<string, Profile> = {
  'Chrome on Android (with Client Hints)': {
    headers: {
      accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
      'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
      'sec-ch-viewport-width': '412',
      'sec-ch-dpr': '2.625',
    },
    width: 1080, // 412 × 2.625 = 1082 → 1080, within the ladder's 1% tolerance
    format: (s) => (s.animated ? 'webp' : 'avif'),
    hinted: true,
  },
  'Safari on iPhone': {
    headers: {
      accept: 'image/webp,image/avif,image/jxl,image/heic,image/heic-sequence,video/*;q=0.8,image/png,image/svg+xml,image/*;q=0.8,*/*;q=0.5',
      'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    },
    width: 828, // phone default 412 × 2 = 824 → 828
    format: (s) => (s.animated ? 'webp' : 'avif'),
    hinted: false,
  },
  'Firefox on a desktop': {
    headers: {
      accept: 'image/avif,image/webp,*/*',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0',
    },
    width: 1280,
    format: (s) => (s.animated ? 'webp' : 'avif'),
    hinted: false,
  },
  'an old browser (IE 11)': {
    headers: {
      accept: 'image/png, image/svg+xml, image/*;q=0.8, */*;q=0.5',
      'user-agent': 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko',
    },
    width: 1280,
    format: (s) => (s.animated ? 'gif' : s.hasAlpha ? 'png' : 'jpeg'),
    hinted: false,
  },
  'a crawler (Googlebot)': {
    headers: { accept: '*/*', 'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' },
    width: 1280,
    format: (s) => (s.animated ? 'gif' : s.hasAlpha ? 'png' : 'jpeg'),
    hinted: false,
  },
};

let t: TestService;
const uploaded = new Map<string, { id: string; width: number; height: number; hasAlpha: boolean; animated: boolean; original: Buffer; skip: string[] }>();

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RESIZE_CONCURRENCY: '1' });
  for (const folder of FOLDERS) {
    for (const file of corpusFiles(folder).filter((f) => !REFUSED.has(f))) {
      const up = await uploadFile(t.url, file);
      const b = up.body;
      uploaded.set(file, {
        id: b.id as string,
        width: b.width as number,
        height: b.height as number,
        hasAlpha: b.hasAlpha as boolean,
        animated: b.animated as boolean,
        original: await readFile(corpusPath(file)),
        skip: [],
      });
    }
  }
  // Every image made ready first: the resizer's quality search may set formats aside for an
  // image (no smaller than JPEG at the same score), and the answer must not depend on timing.
  for (const image of uploaded.values()) {
    await waitForStatus(t.url, image.id, ['ready', 'failed'], 120_000);
    const manifest = JSON.parse((await t.service.store.getBuffer(manifestKey(image.id))).toString()) as { qualities?: { skip?: string[] } };
    image.skip = manifest.qualities?.skip ?? [];
  }
}, 300_000);
afterAll(async () => {
  await t.stop();
});

const files = FOLDERS.flatMap((f) => corpusFiles(f)).filter((f) => !REFUSED.has(f));

describe.each(Object.entries(PROFILES))('%s', (_name, profile) => {
  it.each(files)('%s: right format, width and orientation', async (file) => {
    const image = uploaded.get(file)!;
    const res = await getBytes(`${t.url}/i/${image.id}`, profile.headers);
    expect(res.status).toBe(200);
    const meta = await sharp(res.body).metadata();
    const format = meta.format === 'heif' ? 'avif' : meta.format;
    let expectedFormat = profile.format(image);
    // A format the search set aside for this image goes to the next the browser takes.
    if (expectedFormat === 'avif' && image.skip.includes('avif')) expectedFormat = image.skip.includes('webp') ? 'jpeg' : 'webp';
    else if (expectedFormat === 'webp' && !image.animated && image.skip.includes('webp')) expectedFormat = 'jpeg';
    expect(format).toBe(expectedFormat);
    expect(res.headers.get('content-type')).toBe(`image/${expectedFormat}`);
    const width = Math.min(profile.width, image.width);
    expect(meta.width).toBe(width);
    expect(Math.abs((meta.pageHeight ?? meta.height) - (width * image.height) / image.width)).toBeLessThan(2);
    if (image.animated && (expectedFormat === 'webp' || expectedFormat === 'gif')) expect(meta.pages).toBeGreaterThan(1);
    expect(meta.exif).toBeUndefined();
    const diff = await differenceFromOriginal(image.original, res.body);
    // Lossy encoders at their tuned quality: tiny images show more error per pixel.
    expect(diff, `${file} differs from the upright original by ${diff.toFixed(1)}`).toBeLessThan(width <= 64 ? 18 : 12);

    const vary = res.headers.get('vary') ?? '';
    expect(vary).toContain('Accept');
    expect(vary.includes('User-Agent')).toBe(!profile.hinted);
    expect(res.headers.get('accept-ch')).toContain('Sec-CH-DPR');

    const again = await getBytes(`${t.url}/i/${image.id}`, { ...profile.headers, 'if-none-match': res.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(again.headers.get('vary')).toBe(res.headers.get('vary'));
  });
});

async function transformCount(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return [...text.matchAll(/imgsvc_origin_transform_duration_seconds_count\{[^}]*\} (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}

describe('the serving path', () => {
  it('runs one transform for a burst of identical misses, then serves from memory', async () => {
    const image = uploaded.get('photos/Kite-2560x1600.jpg')!;
    const url = `${t.url}/i/${image.id}?w=777&fmt=webp&q=61`;
    const before = await transformCount();
    const replies = await Promise.all(Array.from({ length: 24 }, () => getBytes(url)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(new Set(replies.map((r) => r.body.toString('base64'))).size).toBe(1);
    expect(await transformCount()).toBe(before + 1);
    const next = await getBytes(url);
    expect(next.headers.get('x-imgsvc-cache')).toBe('memory');
    // Fully explicit URLs depend on nothing in the request headers.
    expect(next.headers.get('vary')).toBeNull();
  });

  it('serves eager variants from storage without transforming', async () => {
    const image = uploaded.get('photos/starfish.jpg')!;
    const deadline = Date.now() + 30_000;
    while ((await (await fetch(`${t.url}/v1/images/${image.id}`)).json() as { status: string }).status !== 'ready') {
      if (Date.now() > deadline) throw new Error('not ready');
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = await transformCount();
    const res = await getBytes(`${t.url}/i/${image.id}/thumb`, { accept: 'image/webp,*/*' });
    expect(res.headers.get('x-imgsvc-cache')).toBe('storage');
    expect((await sharp(res.body).metadata()).width).toBe(50);
    expect(await transformCount()).toBe(before);
  });

  it('answers bad parameters with 400 naming them, and unknown ids with 404', async () => {
    const image = uploaded.get('photos/starfish.jpg')!;
    for (const [query, pattern] of [
      ['w=-1', /for w/],
      ['w=abc', /integer from 1 to 8192 for w/],
      ['q=1000', /integer from 1 to 100 for q/],
      ['fmt=tiff', /for fmt/],
      ['w=100&w=200', /one value for w/],
    ] as const) {
      const res = await fetch(`${t.url}/i/${image.id}?${query}`);
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(pattern);
    }
    const preset = await fetch(`${t.url}/i/${image.id}/gigantic`);
    expect(preset.status).toBe(400);
    expect((await fetch(`${t.url}/i/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).status).toBe(404);
    expect((await fetch(`${t.url}/i/${image.id}`, { method: 'POST' })).status).toBe(405);
  });
});
