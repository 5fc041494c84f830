/**
 * bench:resize — CPU per photo of the resizer's real work (every eager variant and the
 * placeholder, stored) on the corpus photos, one job at a time so the process's CPU time is
 * this job's; beside it the first-view latency of a variant the eager set no longer makes (a
 * 1280 px WebP made on demand by the origin's loader and stored), and the floor: Debian's
 * `vipsthumbnail` making the same 50 px JPEG thumbnails in batch mode (every file in one
 * process, so no process start per image), against the resizer making only that thumbnail.
 * Rounds alternate the runs so drift on this shared machine hits them alike; medians printed.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_QUALITY } from '../services/core/quality.js';
import { encodeAs } from '../services/imaging/steps/encode.js';
import { DEFAULT_PRESETS, parsePresets, planVariants, type Preset } from '../services/core/eager-presets.js';
import { MemoryBudget } from '../services/core/memory-budget.js';
import { inspectSource } from '../services/imaging/source-info.js';
import { VariantLoader } from '../services/origin/variant-loader.js';
import { makeVariants } from '../services/resizer/make-variants.js';
import sharp from 'sharp';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';
import { referenceAt, ssimAgainst } from './lib/ssim.js';
import { renderOne } from '../services/imaging/render-one.js';
import { basePipeline, decodeBase } from '../services/imaging/decode-base.js';
import { INTERMEDIATE_WIDTH } from '../services/imaging/decode-plan.js';
import { variantKey } from '../services/storage/keys.js';
import { seedOriginal, tempStore } from '../test/helpers/local-image.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Stop starting rounds after this long: the bench is bounded whatever the machine's load. */
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 120_000);
/** The eager set before issue 16, for comparison in the same run. */
const LEGACY_PRESETS = 'thumb=50:avif+webp+source,w320=320:webp,w640=640:webp,w1280=1280:webp';

const presetsOf = (text: string) => (parsePresets(text) as { presets: Preset[] }).presets;
const RUNS = { eager: presetsOf(DEFAULT_PRESETS), legacy: presetsOf(LEGACY_PRESETS), thumbJpeg: presetsOf('thumb=50:jpeg') };
type RunName = keyof typeof RUNS | 'firstView';

/** Collects the previous run's garbage before the next is measured (npm script passes --expose-gc). */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const cpuMs = (since: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(since);
  return (d.user + d.system) / 1000;
};

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-resize-'));
const side = await tempStore();
try {
  const limits = { maxPixels: 100_000_000, timeoutSeconds: 120 };
  const signal = new AbortController().signal;
  const photos = [];
  for (const [i, file] of corpusFiles('photos').entries()) {
    const bytes = await readFile(corpusPath(file));
    const record = await seedOriginal(side.store, bytes, `01JAAAAAAAAAAAAAAAAAAAAA${String(i).padStart(2, '0')}`);
    photos.push({ file, bytes, record, megapixels: (record.width * record.height) / 1e6 });
  }
  console.log(`bench:resize — ${photos.length} corpus photos (${photos.reduce((s, p) => s + p.megapixels, 0).toFixed(1)} MP in all), up to ${ROUNDS} alternated rounds, one job at a time`);
  console.log(`eager set: ${DEFAULT_PRESETS}; before issue 16: ${LEGACY_PRESETS}`);

  const cpu = new Map<string, number[]>();
  const wall = new Map<string, number[]>();
  const note = (name: RunName, file: string, c: number, w: number) => {
    cpu.set(`${name}:${file}`, [...(cpu.get(`${name}:${file}`) ?? []), c]);
    wall.set(`${name}:${file}`, [...(wall.get(`${name}:${file}`) ?? []), w]);
  };
  const started = Date.now();
  let rounds = 0;
  for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS; round++, rounds++) {
    for (const [i, p] of photos.entries()) {
      for (const name of ['eager', 'legacy', 'thumbJpeg'] as const) {
        collect();
        const c0 = process.cpuUsage();
        const w0 = performance.now();
        const source = await inspectSource(p.bytes, limits);
        const sha = `${String(i).padStart(4, '0')}${name.padEnd(8, '0').slice(0, 8)}${'0'.repeat(52)}`;
        await makeVariants(sha, p.bytes, source, planVariants(p.record, RUNS[name]), side.store, { limits, signal });
        note(name, p.file, cpuMs(c0), performance.now() - w0);
      }
      // First view of a display size: a fresh loader, so the 1280 px WebP is read, made and stored now.
      const loader = new VariantLoader(side.store, {
        hotCacheBytes: 1,
        transformConcurrency: 1,
        transformQueue: 1,
        limits,
        budget: new MemoryBudget(2 ** 31),
        failureTtlSeconds: 0,
      });
      await side.store.delete(variantKey(p.record.sha256, `w${Math.min(1280, p.record.width)}-q85`, 'webp')).catch(() => undefined);
      collect();
      const c0 = process.cpuUsage();
      const w0 = performance.now();
      const loaded = await loader.load(p.record, { format: 'webp', width: Math.min(1280, p.record.width), quality: 85, animated: false });
      if (loaded.tier !== 'transform') throw new Error(`expected a transform for the first view of ${p.file}, got ${loaded.tier}`);
      note('firstView', p.file, cpuMs(c0), performance.now() - w0);
      await side.store.delete(variantKey(p.record.sha256, `w${Math.min(1280, p.record.width)}-q85`, 'webp')).catch(() => undefined);
    }
  }

  // The floor: vipsthumbnail, all photos in one process per round (batch mode); CPU from the shell's `times`.
  let vipsPerImage: number | undefined;
  try {
    const files = photos.map((p) => `'${corpusPath(p.file)}'`).join(' ');
    const perRound: number[] = [];
    for (let r = 0; r < Math.max(1, rounds); r++) {
      const { stdout } = await run('bash', ['-c', `vipsthumbnail ${files} --size 50x -o '${work}/%s.jpg[Q=80,strip]' && times`]);
      const children = stdout.trim().split('\n').at(-1) ?? '';
      const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, m) => s + Number(m[1]) * 60 + Number(m[2]), 0);
      perRound.push((seconds * 1000) / photos.length);
    }
    vipsPerImage = median(perRound);
  } catch {
    console.log('vipsthumbnail not found: install Debian libvips-tools to compare (apt-get install libvips-tools)');
  }

  const m = (name: RunName, file: string, of = cpu) => median(of.get(`${name}:${file}`) ?? []);
  const ratio = (x: number) => (vipsPerImage ? `${(x / vipsPerImage).toFixed(1)}x` : 'n/a');
  console.log(`\n${rounds} rounds. CPU ms per photo (median), and the ratio to the floor (vipsthumbnail batch, 50 px JPEG, ${vipsPerImage?.toFixed(1) ?? 'n/a'} ms/image over the set):\n`);
  console.log('| photo | MP | 50 px JPEG only | eager set | 6-variant set of before | first view 1280 WebP: CPU | wall ms |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  const sum = { thumbJpeg: 0, eager: 0, legacy: 0, firstView: 0 };
  for (const p of photos) {
    const row = { thumbJpeg: m('thumbJpeg', p.file), eager: m('eager', p.file), legacy: m('legacy', p.file), firstView: m('firstView', p.file) };
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += row[k];
    console.log(`| ${p.file.replace('photos/', '')} | ${p.megapixels.toFixed(1)} | ${row.thumbJpeg.toFixed(0)} | ${row.eager.toFixed(0)} | ${row.legacy.toFixed(0)} | ${row.firstView.toFixed(0)} | ${m('firstView', p.file, wall).toFixed(0)} |`);
  }
  const n = photos.length;
  console.log(`| **mean** | | ${(sum.thumbJpeg / n).toFixed(0)} (${ratio(sum.thumbJpeg / n)}) | ${(sum.eager / n).toFixed(0)} (${ratio(sum.eager / n)}) | ${(sum.legacy / n).toFixed(0)} (${ratio(sum.legacy / n)}) | ${(sum.firstView / n).toFixed(0)} | |`);
  const fourMp = photos.filter((p) => p.megapixels > 3.5 && p.megapixels < 5);
  const mean4 = (name: RunName) => fourMp.reduce((s, p) => s + m(name, p.file), 0) / Math.max(1, fourMp.length);
  console.log(`\n4 MP photos (${fourMp.map((p) => p.file.replace('photos/', '')).join(', ')}): eager ${mean4('eager').toFixed(0)} ms CPU (target ≤ 70; 6-variant set: ${mean4('legacy').toFixed(0)} ms), first view of a 1280 px WebP ${mean4('firstView').toFixed(0)} ms CPU, ${(fourMp.reduce((s, p) => s + m('firstView', p.file, wall), 0) / Math.max(1, fourMp.length)).toFixed(0)} ms wall`);
  await shrinkOnLoadCheck(photos.find((p) => p.file.includes('Kite'))?.bytes ?? photos[0]!.bytes);
  // SSIM needs an 11 px window: the panorama's 50 px thumbnail is 4 px high.
  await thumbnailQuality(photos.filter((p) => (p.record.height * 50) / p.record.width >= 16).map((p) => p.bytes), limits);
  console.log(`eager / 6-variant set: ${(sum.eager / sum.legacy).toFixed(2)}x over the set`);
} finally {
  await side.remove();
  await rm(work, { recursive: true, force: true });
}

/**
 * Does sharp shrink on load at a given reduction? CPU of decoding a baseline JPEG to 1/2 … 1/9
 * of its width (raw pixels, nothing encoded), against decoding it at full size: where the
 * loader's scale steps, the time drops. sharp halves an exact power-of-two factor.
 */
async function shrinkOnLoadCheck(bytes: Buffer): Promise<void> {
  const { width = 0 } = await sharp(bytes).metadata();
  const time = async (make: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < 7; i++) {
      collect();
      const c0 = process.cpuUsage();
      await make();
      samples.push(cpuMs(c0));
    }
    return median(samples);
  };
  const full = await time(() => sharp(bytes).raw().toBuffer());
  const cells: string[] = [];
  for (const factor of [2, 2.5, 3, 4, 5, 8, 9]) {
    const ms = await time(() => sharp(bytes).resize({ width: Math.round(width / factor) }).raw().toBuffer());
    cells.push(`${factor}x ${ms.toFixed(0)} ms (${(ms / full).toFixed(2)})`);
  }
  console.log(`\nshrink-on-load check, ${width} px JPEG decoded to 1/n of its width, CPU ms (ratio to the full-size decode, ${full.toFixed(0)} ms): ${cells.join(', ')}`);
}

/**
 * The 50 px thumbnails as the transform makes them (from the shared intermediate), against one
 * pipeline from the source, and the encoder efforts around the chosen ones (encode only): median
 * SSIM against a Lanczos reference at 50 px, bytes and CPU ms summed over the photos.
 */
async function thumbnailQuality(sources: Buffer[], limits: { maxPixels: number; timeoutSeconds: number }): Promise<void> {
  const rows: [string, (b: Buffer) => Promise<Buffer>][] = [];
  for (const format of ['webp', 'avif', 'jpeg'] as const) {
    const spec = { format, width: 50, quality: DEFAULT_QUALITY[format], animated: false };
    rows.push([`${format} q${spec.quality}, transform (intermediate)`, async (b) => (await renderOne(b, spec, limits)).data]);
    rows.push([`${format} q${spec.quality}, one pipeline from the source`, (b) => encodeAs(sharp(b, { pages: 1 }).autoOrient().resize({ width: 50 }).toColourspace('srgb'), spec).toBuffer()]);
  }
  // Efforts: encode only, from the shared 256 px intermediate decoded before the clock starts.
  const bases = new Map<Buffer, Awaited<ReturnType<typeof decodeBase>>>();
  for (const b of sources) bases.set(b, await decodeBase(b, await inspectSource(b, limits), INTERMEDIATE_WIDTH, limits));
  const fromBase = (b: Buffer) => basePipeline(bases.get(b)!, 60).resize({ width: 50 });
  for (const effort of [0, 2, 4, 6]) rows.push([`webp q85 effort ${effort}, encode only`, (b) => fromBase(b).webp({ quality: 85, effort }).toBuffer()]);
  for (const effort of [0, 2, 4]) rows.push([`avif q65 effort ${effort}, encode only`, (b) => fromBase(b).avif({ quality: 65, effort }).toBuffer()]);
  const refs = await Promise.all(sources.map((b) => referenceAt(b, 50)));
  console.log('\n| 50 px thumbnail | median SSIM | bytes (all photos) | CPU ms (all photos) |');
  console.log('|---|---:|---:|---:|');
  for (const [label, make] of rows) {
    const scores: number[] = [];
    let bytes = 0;
    const c0 = process.cpuUsage();
    const outs: Buffer[] = [];
    for (const b of sources) outs.push(await make(b));
    const ms = cpuMs(c0);
    for (const [i, out] of outs.entries()) {
      bytes += out.length;
      scores.push(await ssimAgainst(refs[i]!, out));
    }
    console.log(`| ${label} | ${median(scores).toFixed(4)} | ${bytes.toLocaleString('en')} | ${ms.toFixed(0)} |`);
  }
}

