import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * URLs that say what they want get exactly that, the same for every client: sizes the operator
 * allow-listed exactly, any other unsigned size snapped up to the width ladder.
 */
let t: TestService;
let id: string;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_PUBLIC_BASE_URL: 'https://img.example.com', IMGSVC_VARIANT_SIZES: '300x300,333,150,5000x5000' });
  const up = await uploadBytes(t.url, await readFile(corpusPath('photos/Kite-2560x1600.jpg')), 'image/jpeg');
  id = up.body.id as string;
});
afterAll(() => t.stop());

describe('srcset URLs', () => {
  it('give the same bytes to everyone, with no Vary, whatever Save-Data and ECT say', async () => {
    const markup = (await (await fetch(`${t.url}/v1/images/${id}/srcset`)).json()) as { sources: { srcset: string }[]; img: { src: string } };
    const urls = [markup.sources[0]!.srcset.split(', ')[0]!.split(' ')[0]!, markup.img.src].map((u) => u.replace('https://img.example.com', t.url));
    for (const url of urls) {
      const plain = await getBytes(url, { accept: 'image/avif,image/webp,*/*' });
      expect(plain.status).toBe(200);
      for (const headers of [{ 'save-data': 'on' }, { ect: '2g' }, { ect: 'slow-2g', 'save-data': 'on' }] as Record<string, string>[]) {
        const frugal = await getBytes(url, { accept: 'image/webp,*/*', ...headers });
        expect(frugal.headers.get('etag')).toBe(plain.headers.get('etag'));
        expect(frugal.body.equals(plain.body)).toBe(true);
        expect(frugal.headers.get('vary')).toBeNull();
      }
    }
  });
});

describe('explicit dimensions', () => {
  it.each([
    ['w=300&h=300&fit=cover&fmt=jpeg', 300, 300],
    ['w=300&h=300&fit=fill&fmt=webp', 300, 300],
    ['w=333&fmt=jpeg', 333, 208],
    ['w=150&dpr=2&fmt=png', 300, 188],
    ['w=5000&h=5000&fit=cover&fmt=jpeg', 1600, 1600],
    // Not listed: snapped up to the ladder, a box keeping its proportions.
    ['w=301&fmt=jpeg', 320, 200],
    ['w=299&h=299&fit=cover&fmt=jpeg', 320, 320],
    ['w=151&dpr=2.5&fmt=png', 480, 300],
    // Listed, at a fractional DPR: rendered at the whole DPR above it.
    ['w=150&dpr=2.5&fmt=png', 450, 281],
  ])('?%s → %i×%i', async (query, width, height) => {
    const res = await getBytes(`${t.url}/i/${id}?${query}`);
    expect(res.status).toBe(200);
    const meta = await sharp(res.body).metadata();
    expect([meta.width, meta.height]).toEqual([width, height]);
  });
});
