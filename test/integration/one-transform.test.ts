import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRESETS, parsePresets, planVariants, type Preset } from '../../services/core/eager-presets.js';
import { MemoryBudget } from '../../services/core/memory-budget.js';
import { inspectSource } from '../../services/imaging/source-info.js';
import { VariantLoader } from '../../services/origin/variant-loader.js';
import { makeVariants } from '../../services/resizer/make-variants.js';
import { corpusPath } from '../helpers/corpus.js';
import { seedOriginal, tempStore } from '../helpers/local-image.js';

/** The default thumbnails (from the shared intermediate) and display sizes (one pipeline each). */
const presets = (parsePresets(`${DEFAULT_PRESETS.split(',')[0]},w320=320:webp,w1280=1280:webp+jpeg`) as { presets: Preset[] }).presets;
const limits = { maxPixels: 100_000_000, timeoutSeconds: 60 };
/** Photos (baseline, progressive, 4:4:4, a panorama), EXIF orientation, CMYK, 16-bit, alpha, palette, WebP, TIFF, a GIF. */
const FILES = [
  'photos/Kite-2560x1600.jpg',
  'photos/tower_progressive.jpg',
  'photos/panoramic.jpg',
  'orientation/orientation_5.jpg',
  'orientation/bug725582-testrotate.jpg',
  'color/image-cmyk.jpeg',
  'color/hdr_room.png',
  'alpha/city.png',
  'alpha/basn3p08-trns.png',
  'formats/yellow_rose.lossy-with-alpha.webp',
  'formats/kodim02-lzw.tif',
  'animated/horses.gif',
];

let resizerSide: Awaited<ReturnType<typeof tempStore>>;
let originSide: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  resizerSide = await tempStore();
  originSide = await tempStore();
});
afterAll(async () => {
  await resizerSide.remove();
  await originSide.remove();
});

describe('one transform for the resizer and the origin', () => {
  it.each(FILES)('%s: every eager variant has the same bytes made either way', async (file) => {
    const bytes = await readFile(corpusPath(file));
    const record = await seedOriginal(originSide.store, bytes);
    const planned = planVariants(record, presets);

    // The resizer's path: all eager variants of the image from shared decodes.
    const source = await inspectSource(bytes, limits);
    const made = await makeVariants(record.sha256, bytes, source, planned, resizerSide.store, { limits, signal: new AbortController().signal });

    // The origin's path: each variant alone, on demand, into a store that has only the original.
    const loader = new VariantLoader(originSide.store, {
      hotCacheBytes: 1, // nothing stays hot: every load below transforms
      transformConcurrency: 1,
      transformQueue: 10,
      limits,
      budget: new MemoryBudget(2 ** 31),
      failureTtlSeconds: 0,
    });
    for (const [i, { spec }] of planned.entries()) {
      const eager = await resizerSide.store.getBuffer(made.variants[i]!.key);
      const onDemand = await loader.load(record, spec);
      expect(onDemand.tier).toBe('transform');
      expect(onDemand.data.equals(eager), `${spec.format} w${spec.width}: ${onDemand.data.length} vs ${eager.length} bytes`).toBe(true);
    }
  });

  it('gives the same bytes for a variant whatever else is made with it', async () => {
    const bytes = await readFile(corpusPath('photos/ColorfulCups-2560x1600.jpg'));
    const record = await seedOriginal(originSide.store, bytes);
    const source = await inspectSource(bytes, limits);
    const spec = { format: 'webp' as const, width: 640, quality: 85, animated: false };
    const signal = new AbortController().signal;
    const alone = await makeVariants(record.sha256, bytes, source, [{ preset: 'a', spec }], resizerSide.store, { limits, signal });
    const first = await resizerSide.store.getBuffer(alone.variants[0]!.key);
    const others = [1280, 320, 50].map((width) => ({ preset: `w${width}`, spec: { ...spec, width } }));
    const together = await makeVariants(record.sha256, bytes, source, [...others, { preset: 'a', spec }], resizerSide.store, { limits, signal });
    expect((await resizerSide.store.getBuffer(together.variants[3]!.key)).equals(first)).toBe(true);
  });
});
