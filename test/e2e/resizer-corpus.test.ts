import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, parsePresets, planVariants, type Preset } from '../../services/core/eager-presets.js';
import { corpusFiles, corpusPath } from '../helpers/corpus.js';
import { uploadFile } from '../helpers/http.js';
import { alphaDifference, differenceFromOriginal } from '../helpers/image-compare.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

const FOLDERS = ['photos', 'orientation', 'color', 'alpha', 'animated', 'formats'];
const REFUSED = new Set(['formats/windows95.bmp', 'formats/blobs-l.svg']);
const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;

let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t.stop();
});

interface Variant {
  name: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
}

describe.each(FOLDERS)('resizer on corpus/%s', (folder) => {
  it.each(corpusFiles(folder).filter((f) => !REFUSED.has(f)))('%s becomes ready with correct variants', async (file) => {
    const original = await readFile(corpusPath(file));
    const up = await uploadFile(t.url, file);
    expect(up.status).toBe(201);
    const record = await waitForStatus(t.url, up.body.id as string);
    expect(record.status, String(record.error)).toBe('ready');
    expect(record.placeholder).toMatch(/^[A-Za-z0-9+/]{16,}={0,2}$/);

    const width = record.width as number;
    const height = record.height as number;
    const hasAlpha = record.hasAlpha as boolean;
    const variants = record.variants as Variant[];
    const planned = planVariants({ width, hasAlpha }, presets);
    expect(variants.map((v) => `${v.name}:${v.format}:${v.width}`)).toEqual(
      planned.map((p) => `${p.preset}:${p.spec.format}:${p.spec.width}`),
    );

    const stored = await readStoredVariants(up.body.sha256 as string);
    for (const v of variants) {
      const bytes = stored.get(`${v.format}:${v.width}`);
      expect(bytes, `${v.name} ${v.format} stored`).toBeDefined();
      const meta = await sharp(bytes!).metadata();
      // What the record says is what the bytes are: decode, do not trust.
      expect(meta.format === 'heif' ? 'avif' : meta.format).toBe(v.format);
      expect(meta.width).toBe(v.width);
      expect(meta.height).toBe(v.height);
      expect(bytes!.length).toBe(v.bytes);
      // Proportions kept (one frame, never a strip of frames), never upscaled.
      expect(Math.abs(v.height - (v.width * height) / width)).toBeLessThanOrEqual(1);
      expect(meta.pages ?? 1).toBe(1);
      expect(v.width).toBeLessThanOrEqual(width);
      // sRGB 8-bit, no metadata left (no EXIF, so no GPS and no orientation tag).
      expect(meta.space).toBe('srgb');
      expect(meta.depth).toBe('uchar');
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(meta.orientation ?? 1).toBe(1);
      // Upright and the right colours: close to the original rendered the same way.
      const diff = await differenceFromOriginal(original, bytes!);
      expect(diff, `${file} ${v.format} w${v.width} differs by ${diff.toFixed(1)}`).toBeLessThan(v.width <= 64 ? 18 : 10);
      if (hasAlpha && v.format !== 'jpeg') {
        // Transparency survives (encoders may drop an alpha channel that is opaque at this size).
        const alphaDiff = await alphaDifference(original, bytes!);
        expect(alphaDiff, `${file} ${v.format} w${v.width} alpha differs by ${alphaDiff.toFixed(1)}`).toBeLessThan(12);
      }
    }
  });
});

async function readStoredVariants(sha256: string): Promise<Map<string, Buffer>> {
  const { readdir } = await import('node:fs/promises');
  const dir = join(t.dataDir, 'objects', 'variants', sha256.slice(0, 2), sha256);
  const out = new Map<string, Buffer>();
  for (const name of await readdir(dir)) {
    const match = /^w(\d+)(?:-q\d+)?\.(\w+)$/.exec(name);
    if (!match) continue;
    const ext = match[2] === 'jpg' ? 'jpeg' : match[2]!;
    out.set(`${ext}:${match[1]}`, await readFile(join(dir, name)));
  }
  return out;
}
