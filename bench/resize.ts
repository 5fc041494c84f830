/**
 * bench:resize — CPU per photo of the resizer's real work (every eager variant and the
 * placeholder, stored) on the corpus photos, one job at a time so the process's CPU time is
 * this job's, against the floor: Debian's `vipsthumbnail` making the 50 px JPEG thumbnails in
 * batch mode (every file in one process, so no process start per image). Then the first views
 * of display sizes the eager set does not make (1280 px JPEG and WebP, made on demand by the
 * origin's loader and stored), from the JPEG photos and from WebP copies of them, against
 * `vipsthumbnail` making the same outputs (size, format, quality) from the same files: its CPU
 * per image without its process start (a run over the file repeated 6 times less a run over it
 * once, over 5), with the SSIM of both against lanczos3 from the full-size decode beside.
 * Rounds alternate the runs so drift on this shared machine hits them alike; medians printed.
 * `vipsthumbnail` is in Debian's libvips-tools; without it the bench says so and prints ours alone.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_QUALITY } from '../services/core/quality.js';
import { encodeAs } from '../services/imaging/steps/encode.js';
import { DEFAULT_PRESETS, parsePresets, planVariants, type Preset } from '../services/core/eager-presets.js';
import { MemoryBudget } from '../services/core/memory-budget.js';
import { inspectSource } from '../services/imaging/source-info.js';
import { locateVariant, VariantLoader } from '../services/origin/variant-loader.js';
import { makeVariants } from '../services/resizer/make-variants.js';
import sharp from 'sharp';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';
import { referenceAt, ssimAgainst } from './lib/ssim.js';
import { renderOne } from '../services/imaging/render-one.js';
import { basePipeline, decodeBase } from '../services/imaging/decode-base.js';
import { INTERMEDIATE_WIDTH } from '../services/imaging/decode-plan.js';
import type { VariantSpec } from '../services/core/variant-spec.js';
import type { ImageRecord } from '../services/images/image-record.js';
import { seedOriginal, tempStore } from '../test/helpers/local-image.js';
import { collect, cpuMs, median } from './lib/cpu-sampling.js';
import { firstViewWebpEfforts, placeholderInputs } from './lib/resize-encoder-rounds.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Stop starting rounds after this long: the bench is bounded whatever the machine's load. */
const BUDGET_MS = Number(process.env.BENCH_BUDGET_MS ?? 120_000);
/** The eager set before issue 16, for comparison in the same run. */
const LEGACY_PRESETS = 'thumb=50:avif+webp+source,w320=320:webp,w640=640:webp,w1280=1280:webp';

const presetsOf = (text: string) => (parsePresets(text) as { presets: Preset[] }).presets;
const RUNS = { eager: presetsOf(DEFAULT_PRESETS), legacy: presetsOf(LEGACY_PRESETS), thumbJpeg: presetsOf('thumb=50:jpeg') };
type RunName = keyof typeof RUNS;
const FIRST_VIEWS: VariantSpec[] = [
  { format: 'jpeg', width: 1280, quality: DEFAULT_QUALITY.jpeg, animated: false },
  { format: 'webp', width: 1280, quality: DEFAULT_QUALITY.webp, animated: false },
];
interface FirstView {
  source: 'jpeg' | 'webp';
  file: string;
  path: string;
  bytes: Buffer;
  record: ImageRecord;
}


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
  const hasVips = await run('vipsthumbnail', ['--vips-version']).then(() => true, () => false);
  console.log(`bench:resize — ${photos.length} corpus photos (${photos.reduce((s, p) => s + p.megapixels, 0).toFixed(1)} MP in all), up to ${ROUNDS} alternated rounds, one job at a time`);
  console.log(`eager set: ${DEFAULT_PRESETS}; before issue 16: ${LEGACY_PRESETS}`);
  if (!hasVips) console.log('vipsthumbnail is MISSING: no floor to compare with. Install Debian libvips-tools (apt-get install -y libvips-tools); ours alone below.');

  const cpu = new Map<string, number[]>();
  const note = (name: string, file: string, c: number) => cpu.set(`${name}:${file}`, [...(cpu.get(`${name}:${file}`) ?? []), c]);
  const started = Date.now();
  let rounds = 0;
  for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS; round++, rounds++) {
    for (const [i, p] of photos.entries()) {
      for (const name of ['eager', 'legacy', 'thumbJpeg'] as const) {
        collect();
        const c0 = process.cpuUsage();
        const source = await inspectSource(p.bytes, limits);
        const sha = `${String(i).padStart(4, '0')}${name.padEnd(8, '0').slice(0, 8)}${'0'.repeat(52)}`;
        await makeVariants(sha, p.bytes, source, planVariants(p.record, RUNS[name]), side.store, { limits, signal });
        note(name, p.file, cpuMs(c0));
      }
    }
  }

  // The floor: vipsthumbnail, all photos in one process per round (batch mode); CPU from the shell's `times`.
  let vipsThumb: number | undefined;
  if (hasVips) {
    const files = photos.map((p) => `'${corpusPath(p.file)}'`).join(' ');
    const perRound: number[] = [];
    for (let r = 0; r < Math.max(1, rounds); r++) perRound.push((await childCpuMs(`vipsthumbnail ${files} --size 50x -o '${work}/%s.jpg[Q=80,strip]'`)) / photos.length);
    vipsThumb = median(perRound);
  }

  const m = (name: string, file: string) => median(cpu.get(`${name}:${file}`) ?? []);
  const ratio = (x: number, floor = vipsThumb) => (floor ? `${(x / floor).toFixed(2)}x` : 'n/a');
  console.log(`\n${rounds} rounds. CPU ms per photo (median), and the ratio to the floor (vipsthumbnail batch, 50 px JPEG, ${vipsThumb?.toFixed(1) ?? 'n/a'} ms/image over the set):\n`);
  console.log('| photo | MP | 50 px JPEG only | eager set (50 px AVIF+WebP+JPEG, ThumbHash) | 6-variant set of before |');
  console.log('|---|---:|---:|---:|---:|');
  const sum = { thumbJpeg: 0, eager: 0, legacy: 0 };
  for (const p of photos) {
    const row = { thumbJpeg: m('thumbJpeg', p.file), eager: m('eager', p.file), legacy: m('legacy', p.file) };
    for (const k of Object.keys(sum) as (keyof typeof sum)[]) sum[k] += row[k];
    console.log(`| ${p.file.replace('photos/', '')} | ${p.megapixels.toFixed(1)} | ${row.thumbJpeg.toFixed(0)} | ${row.eager.toFixed(0)} | ${row.legacy.toFixed(0)} |`);
  }
  const n = photos.length;
  console.log(`| **mean** | | ${(sum.thumbJpeg / n).toFixed(0)} (${ratio(sum.thumbJpeg / n)}) | ${(sum.eager / n).toFixed(0)} (${ratio(sum.eager / n)}) | ${(sum.legacy / n).toFixed(0)} (${ratio(sum.legacy / n)}) |`);
  console.log(`\neager 50 px set: ${(sum.eager / n).toFixed(1)} ms CPU per photo, ${ratio(sum.eager / n)} vipsthumbnail's 50 px JPEG in batch (${vipsThumb?.toFixed(1) ?? 'n/a'} ms; goal ≤ 1.0x)`);
  console.log(`eager / 6-variant set: ${(sum.eager / sum.legacy).toFixed(2)}x over the set`);

  await firstViews(photos, side.store, limits, hasVips);
  await shrinkOnLoadCheck(photos.find((p) => p.file.includes('Kite'))?.bytes ?? photos[0]!.bytes);
  await firstViewWebpEfforts(photos.filter((p) => p.record.width >= 2560).map((p) => ({ file: p.file, bytes: p.bytes })), limits);
  await placeholderInputs(photos.map((p) => ({ file: p.file, bytes: p.bytes })), limits);
  // SSIM needs an 11 px window: the panorama's 50 px thumbnail is 4 px high.
  await thumbnailQuality(photos.filter((p) => (p.record.height * 50) / p.record.width >= 16).map((p) => p.bytes), limits);
} finally {
  await side.remove();
  await rm(work, { recursive: true, force: true });
}

/** CPU ms of a shell command's children (user + system), from the shell's `times`. */
async function childCpuMs(command: string): Promise<number> {
  // Without `times` in the output (vipsthumbnail failed), the parse below throws rather than print 0.
  const { stdout } = await run('bash', ['-c', `${command} 2>/dev/null && times`]);
  if (!/\dm[\d.]+s/.test(stdout)) throw new Error(`no CPU figure from: ${command}`);
  const children = stdout.trim().split('\n').at(-1) ?? '';
  return [...children.matchAll(/(\d+)m([\d.]+)s/g)].reduce((s, x) => s + Number(x[1]) * 60 + Number(x[2]), 0) * 1000;
}

/**
 * vipsthumbnail's CPU for one image to `spec`, without its process start; its output file. Six
 * copies under six names, not one name six times: libvips' operation cache would serve the
 * repeats of one name from memory (seen: a WebP source "thumbnailed" in 5 ms).
 */
async function vipsPerImage(path: string, spec: VariantSpec): Promise<{ ms: number; output: string }> {
  const options = spec.format === 'jpeg' ? `Q=${spec.quality},optimize_coding,strip` : `Q=${spec.quality},strip`;
  const copies = [];
  for (let i = 0; i < 6; i++) {
    const copy = join(work, `vips-in-${i}-${path.split('/').at(-1)}`);
    await copyFile(path, copy);
    copies.push(`'${copy}'`);
  }
  const command = (files: string[]) => `vipsthumbnail ${files.join(' ')} --size '${spec.width}x>' -o '${work}/vips-out-%s.${spec.format}[${options}]'`;
  const six = await childCpuMs(command(copies));
  const one = await childCpuMs(command(copies.slice(0, 1)));
  const name = copies[0]!.slice(1, -1).split('/').at(-1)!.replace(/\.[a-z]+$/, '');
  return { ms: (six - one) / 5, output: join(work, `vips-out-${name}.${spec.format}`) };
}

/**
 * First views: a fresh loader per view (nothing hot, the variant deleted first), so each is
 * read, made and stored now; against vipsthumbnail on the same file. Sources: the JPEG photos
 * and WebP copies of them (q90), for libwebp's scale on load.
 */
async function firstViews(photos: { file: string; bytes: Buffer; record: ImageRecord }[], store: Awaited<ReturnType<typeof tempStore>>['store'], limits: { maxPixels: number; timeoutSeconds: number }, hasVips: boolean): Promise<void> {
  const views: FirstView[] = photos.map((p) => ({ source: 'jpeg', file: p.file.replace('photos/', ''), path: corpusPath(p.file), bytes: p.bytes, record: p.record }));
  for (const [i, p] of photos.entries()) {
    const bytes = await sharp(p.bytes).webp({ quality: 90 }).toBuffer();
    const path = join(work, `source-${i}.webp`);
    await writeFile(path, bytes);
    views.push({ source: 'webp', file: p.file.replace('photos/', '').replace(/\.jpe?g$/, '.webp'), path, bytes, record: await seedOriginal(store, bytes, `01JAAAAAAAAAAAAAAAAAAAAB${String(i).padStart(2, '0')}`) });
  }
  const ours = new Map<string, number[]>();
  const vips = new Map<string, number[]>();
  const scores = new Map<string, { ours: number; vips?: number }>();
  const started = Date.now();
  let rounds = 0;
  for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS; round++, rounds++) {
    for (const v of views) {
      for (const spec of FIRST_VIEWS) {
        const key = `${v.file}:${spec.format}`;
        await store.delete(locateVariant(v.record, spec).key).catch(() => undefined);
        const loader = new VariantLoader(store, { hotCacheBytes: 1, transformConcurrency: 1, transformQueue: 1, limits, budget: new MemoryBudget(2 ** 31), failureTtlSeconds: 0 });
        collect();
        const c0 = process.cpuUsage();
        const loaded = await loader.load(v.record, spec);
        ours.set(key, [...(ours.get(key) ?? []), cpuMs(c0)]);
        if (loaded.tier !== 'transform') throw new Error(`expected a transform for the first view of ${v.file}, got ${loaded.tier}`);
        const floor = hasVips ? await vipsPerImage(v.path, spec) : undefined;
        if (floor) vips.set(key, [...(vips.get(key) ?? []), floor.ms]);
        if (round === 0) {
          const reference = await referenceAt(v.bytes, spec.width);
          scores.set(key, { ours: await ssimAgainst(reference, loaded.data), ...(floor ? { vips: await ssimAgainst(reference, await readFile(floor.output)) } : {}) });
        }
      }
    }
  }
  console.log(`\nFirst views, ${rounds} rounds: CPU ms (median) of the origin's loader making and storing a 1280 px variant, against vipsthumbnail making the same output from the same file (per image, process start excluded); SSIM against lanczos3 from the full-size decode (ssim.js):\n`);
  console.log('| source | output | ours CPU | vipsthumbnail CPU | ratio | SSIM ours | SSIM vipsthumbnail |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  const totals = new Map<string, { ours: number; vips: number }>();
  for (const v of views) {
    for (const spec of FIRST_VIEWS) {
      const key = `${v.file}:${spec.format}`;
      const o = median(ours.get(key) ?? []);
      const f = median(vips.get(key) ?? []);
      const s = scores.get(key);
      const group = `${v.source} → ${spec.format}`;
      const t = totals.get(group) ?? { ours: 0, vips: 0 };
      totals.set(group, { ours: t.ours + o, vips: t.vips + f });
      console.log(`| ${v.file} | ${spec.format} | ${o.toFixed(1)} | ${hasVips ? f.toFixed(1) : 'n/a'} | ${hasVips ? `${(o / f).toFixed(2)}x` : 'n/a'} | ${s?.ours.toFixed(4) ?? ''} | ${s?.vips?.toFixed(4) ?? 'n/a'} |`);
    }
  }
  for (const [group, t] of totals) {
    console.log(`first view ${group} 1280 px, over the set: ours ${t.ours.toFixed(0)} ms CPU, vipsthumbnail ${hasVips ? `${t.vips.toFixed(0)} ms → ${(t.ours / t.vips).toFixed(2)}x (goal ≤ 0.8x)` : 'n/a (missing)'}`);
  }
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
  const path = join(work, 'shrink-check.jpg');
  await writeFile(path, bytes);
  const cells: string[] = [`2x told to the loader (${path.split('/').at(-1)}[shrink=2], as the transform does) ${(await time(() => sharp(`${path}[shrink=2]`).raw().toBuffer())).toFixed(0)} ms`];
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
