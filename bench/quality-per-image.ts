/**
 * bench:quality (second part) — the served settings at equal score. For every corpus photo and
 * rung (640 and 1280 px) each format is encoded through the shared transform twice: at the
 * fixed table (core/quality.ts DEFAULT_QUALITY) and at the qualities the resizer's per-image
 * search picks (imaging/choose-quality.ts). Scores use the search's own SSIM (luma, 8×8
 * windows) against a Lanczos rendition of the original at the same width. Prints bytes and
 * score per format and rung, each format's bytes against JPEG's, and the CPU the search costs.
 */
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { DEFAULT_QUALITY, qualityOf, type ImageQualities } from '../services/core/quality.js';
import { chooseQualities } from '../services/imaging/choose-quality.js';
import { renderOne } from '../services/imaging/render-one.js';
import { inspectSource } from '../services/imaging/source-info.js';
import { lumaOf, ssim } from '../services/imaging/ssim.js';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';

const RUNGS = [640, 1280];
const FORMATS = ['jpeg', 'webp', 'avif'] as const;
const limits = { maxPixels: 100_000_000, timeoutSeconds: 120 };

type Row = { bytes: number; score: number };
const totals: Record<string, Record<string, Row[]>> = {};
const searchCpu: number[] = [];

for (const file of corpusFiles('photos')) {
  const original = await readFile(corpusPath(file));
  const info = await inspectSource(original, limits);
  const before = process.cpuUsage();
  const choice = await chooseQualities(original, info, false, limits);
  const cpu = process.cpuUsage(before);
  searchCpu.push((cpu.user + cpu.system) / 1000);
  const q: ImageQualities | undefined = choice && { jpeg: choice.qualities.jpeg!, webp: choice.qualities.webp!, avif: choice.qualities.avif!, skip: choice.notSmaller.filter((f) => f !== 'jpeg') as ('webp' | 'avif')[] };
  for (const rung of RUNGS) {
    if (info.width < rung) continue;
    const { data, info: ref } = await sharp(original).autoOrient().resize({ width: rung, kernel: 'lanczos3' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const reference = lumaOf(data, 3);
    const score = async (bytes: Buffer) => ssim(reference, lumaOf(await sharp(bytes).resize(ref.width, ref.height, { fit: 'fill' }).removeAlpha().raw().toBuffer(), 3), ref.width, ref.height);
    const line: string[] = [];
    for (const mode of ['fixed', 'per-image'] as const) {
      for (const format of FORMATS) {
        const quality = mode === 'fixed' ? DEFAULT_QUALITY[format] : qualityOf(format, rung, false, q);
        const out = await renderOne(original, { format, width: rung, quality, animated: false }, limits);
        const row = { bytes: out.data.length, score: await score(out.data) };
        ((totals[`${mode} ${rung}`] ??= {})[format] ??= []).push(row);
        line.push(`${mode} ${format} q${quality} ${row.bytes} B ${row.score.toFixed(4)}`);
      }
    }
    console.log(`${file} @${rung}: ${line.join(' | ')}${q?.skip?.length ? ` | skip ${q.skip.join(',')}` : ''}`);
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log('\n| settings @ rung | format | total bytes | × JPEG | median SSIM |\n|---|---|---:|---:|---:|');
for (const [name, byFormat] of Object.entries(totals)) {
  const jpeg = sum(byFormat.jpeg!.map((r) => r.bytes));
  for (const format of FORMATS) {
    const rows = byFormat[format]!;
    console.log(`| ${name} | ${format} | ${sum(rows.map((r) => r.bytes))} | ${(sum(rows.map((r) => r.bytes)) / jpeg).toFixed(2)} | ${median(rows.map((r) => r.score)).toFixed(4)} |`);
  }
}
for (const rung of RUNGS) {
  const fixed = totals[`fixed ${rung}`]!;
  const searched = totals[`per-image ${rung}`]!;
  const saved = FORMATS.map((f) => `${f} ${((1 - sum(searched[f]!.map((r) => r.bytes)) / sum(fixed[f]!.map((r) => r.bytes))) * 100).toFixed(1)}%`);
  console.log(`bytes saved by the per-image search @${rung}: ${saved.join(', ')}`);
}
console.log(`search CPU per photo: median ${median(searchCpu).toFixed(0)} ms, max ${Math.max(...searchCpu).toFixed(0)} ms (${searchCpu.length} photos; loaded machine inflates CPU time)`);
