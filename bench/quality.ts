/**
 * bench:quality — how the per-format default qualities in services/core/quality.ts were chosen.
 * For corpus photos at 640 and 1280 px, encodes through the shared transform (services/imaging) at a grid
 * of qualities, and measures bytes and SSIM against a lossless Lanczos resize of the original.
 * The anchor was JPEG (mozjpeg) at q80, a setting long accepted as visually good, and q60 for
 * Save-Data. JPEG is encoded with libjpeg-turbo since issue 16, at q73 and q44, the qualities
 * that reach the same SSIM, so those are the anchors now: each other format gets the lowest
 * quality whose median SSIM reaches the anchor's, printed with its bytes relative to the anchor.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { OutputFormat } from '../services/core/variant-spec.js';
import { renderOne } from '../services/imaging/render-one.js';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';
import { referenceAt, ssimAgainst } from './lib/ssim.js';

const WIDTHS = [640, 1280];
const GRID: Record<'avif' | 'webp' | 'jpeg', number[]> = {
  jpeg: [44, 73],
  avif: [25, 30, 35, 40, 45, 50, 55, 60, 65, 70],
  webp: [45, 50, 55, 60, 65, 70, 75, 80, 85, 90],
};
const ANCHORS = { default: 73, saveData: 44 };
const limits = { maxPixels: 100_000_000, timeoutSeconds: 120 };

const photos = corpusFiles('photos').filter((f) => !f.includes('Elephants') && !f.includes('panoramic'));
console.log(`bench:quality — ${photos.length} corpus photos × widths ${WIDTHS.join(', ')}; SSIM against a lossless Lanczos resize`);

const results: Record<string, { q: number; ssim: number[]; bytes: number[] }[]> = {};
for (const file of photos) {
  const original = await readFile(corpusPath(file));
  const meta = await sharp(original).metadata();
  for (const width of WIDTHS) {
    if ((meta.width ?? 0) < width) continue;
    const reference = await referenceAt(original, width);
    for (const [format, qualities] of Object.entries(GRID) as [OutputFormat, number[]][]) {
      results[format] ??= qualities.map((q) => ({ q, ssim: [], bytes: [] }));
      for (const row of results[format]!) {
        const out = await renderOne(original, { format, width, quality: row.q, animated: false }, limits);
        row.ssim.push(await ssimAgainst(reference, out.data));
        row.bytes.push(out.data.length);
      }
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const anchorRow = (name: keyof typeof ANCHORS) => results.jpeg!.find((r) => r.q === ANCHORS[name])!;
const targets = { default: median(anchorRow('default').ssim), saveData: median(anchorRow('saveData').ssim) };
const chosen: Record<string, Partial<Record<keyof typeof ANCHORS, { q: number; bytes: number; ssim: number }>>> = {};
for (const [format, rows] of Object.entries(results)) {
  console.log(`\n${format}\n| q | median SSIM | total bytes |\n|---:|---:|---:|`);
  chosen[format] = {};
  for (const row of rows) {
    console.log(`| ${row.q} | ${median(row.ssim).toFixed(4)} | ${sum(row.bytes)} |`);
    for (const name of Object.keys(ANCHORS) as (keyof typeof ANCHORS)[]) {
      if (!chosen[format]![name] && median(row.ssim) >= targets[name] - 0.0005) chosen[format]![name] = { q: row.q, bytes: sum(row.bytes), ssim: median(row.ssim) };
    }
  }
}
console.log(`\nanchors: JPEG q${ANCHORS.default} median SSIM ${targets.default.toFixed(4)}, JPEG q${ANCHORS.saveData} ${targets.saveData.toFixed(4)}`);
console.log(`| format | default q | bytes vs JPEG q${ANCHORS.default} | Save-Data q | bytes vs JPEG q${ANCHORS.saveData} |\n|---|---:|---:|---:|---:|`);
for (const [format, c] of Object.entries(chosen)) {
  const rel = (name: keyof typeof ANCHORS) => (c[name] ? (c[name]!.bytes / sum(anchorRow(name).bytes)).toFixed(2) : 'n/a');
  console.log(`| ${format} | ${c.default?.q ?? 'above grid'} | ${rel('default')} | ${c.saveData?.q ?? 'above grid'} | ${rel('saveData')} |`);
}
