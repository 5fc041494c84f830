import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY_SEARCH } from '../../services/core/quality.js';
import { lumaOf, ssim } from '../../services/imaging/ssim.js';
import { manifestKey } from '../../services/storage/keys.js';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Issue 24: every format served at the same score. Real corpus photos go through the real
 * resizer (its quality search) and the real origin; the served bytes are scored against the
 * original at the same width with the search's own SSIM.
 */
const PHOTOS = ['photos/Kite-2560x1600.jpg', 'photos/starfish.jpg', 'photos/tower_progressive.jpg'];
const WIDTH = 640;
let t: TestService;
const ids = new Map<string, string>();

beforeAll(async () => {
  t = await startTestService();
  for (const file of PHOTOS) {
    const up = await uploadBytes(t.url, await readFile(corpusPath(file)), 'image/jpeg');
    ids.set(file, String(up.body.id));
  }
  for (const id of ids.values()) expect((await waitForStatus(t.url, id, ['ready', 'failed'], 120_000)).status).toBe('ready');
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

async function scoreAt(original: Buffer, served: Buffer): Promise<number> {
  const { data, info } = await sharp(original).autoOrient().resize({ width: WIDTH }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const back = await sharp(served).resize(info.width, info.height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  return ssim(lumaOf(data, 3), lumaOf(back, 3), info.width, info.height);
}

describe('per-image quality', () => {
  it.each(PHOTOS)('%s: every format at the same score, none bigger than JPEG', async (file) => {
    const original = await readFile(corpusPath(file));
    const id = ids.get(file)!;
    const manifest = JSON.parse((await t.service.store.getBuffer(manifestKey(id))).toString()) as { qualities?: { jpeg: number; webp: number; avif: number; skip?: string[] } };
    expect(manifest.qualities, 'the search result is stored with the image').toBeDefined();
    const q = manifest.qualities!;
    expect(q.jpeg).toBeLessThanOrEqual(QUALITY_SEARCH.anchor);

    const served: Record<string, { bytes: number; score: number; format: string }> = {};
    for (const [name, accept] of [['jpeg', '*/*'], ['webp', 'image/webp,*/*'], ['avif', 'image/avif,image/webp,*/*']] as const) {
      const res = await getBytes(`${t.url}/i/${id}`, { accept, 'sec-ch-width': String(WIDTH) });
      expect(res.status).toBe(200);
      served[name] = { bytes: res.body.length, score: await scoreAt(original, res.body), format: res.headers.get('content-type')! };
    }
    const jpeg = served.jpeg!;
    const target = Math.min(QUALITY_SEARCH.target, jpeg.score + 0.002);
    console.log(`${file}: q ${JSON.stringify(q)}; ` + Object.entries(served).map(([k, v]) => `${k} → ${v.format} ${v.bytes} B SSIM ${v.score.toFixed(4)}`).join('; '));
    for (const [name, s] of Object.entries(served)) {
      // Within the band the grid allows: at or a little above the target, never far below it.
      expect(s.score, `${name} score`).toBeGreaterThan(target - 0.004);
      expect(s.score, `${name} score`).toBeLessThan(target + 0.02);
      if (name !== 'jpeg') expect(s.bytes, `${name} bytes against JPEG's`).toBeLessThanOrEqual(jpeg.bytes);
    }
    if (q.skip?.includes('webp')) expect(served.webp!.format).toBe('image/jpeg');
  });
});
