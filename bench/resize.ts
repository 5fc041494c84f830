/**
 * bench:resize — the resizer's real work (decode once, every eager variant, stored) on the
 * corpus photos, with two jobs in flight on this 2-core machine; and in the same run the peer:
 * Debian's `vipsthumbnail` (libvips-tools) making the same 50 px JPEG thumbnail, two processes
 * in parallel, against the resizer making only that thumbnail. Prints images/s, source
 * megapixels/s, the ratio, and the cores a fleet needs for 5 million uploads an hour.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { DEFAULT_PRESETS, parsePresets, planVariants, type Preset } from '../services/core/eager-presets.js';
import { makeVariants } from '../services/resizer/make-variants.js';
import { inspectSource } from '../services/imaging/source-info.js';
import { FsObjectStore } from '../services/storage/fs-store.js';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';

const run = promisify(execFile);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PARALLEL = 2;
const TARGET_PER_SECOND = 5_000_000 / 3600;

const presetsOf = (text: string) => (parsePresets(text) as { presets: Preset[] }).presets;
const EAGER = presetsOf(DEFAULT_PRESETS);
const THUMB_JPEG = presetsOf('thumb=50:jpeg');

interface Photo {
  file: string;
  bytes: Buffer;
  width: number;
  height: number;
  hasAlpha: boolean;
  megapixels: number;
}

async function loadPhotos(): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (const file of corpusFiles('photos')) {
    const bytes = await readFile(corpusPath(file));
    const meta = await sharp(bytes).metadata();
    const swap = (meta.orientation ?? 1) >= 5;
    photos.push({
      file,
      bytes,
      width: swap ? meta.height : meta.width,
      height: swap ? meta.width : meta.height,
      hasAlpha: meta.hasAlpha,
      megapixels: (meta.width * meta.height) / 1e6,
    });
  }
  return photos;
}

/** Runs `work` over every photo ROUNDS times with PARALLEL in flight; returns items/s and MP/s. */
async function measure(photos: Photo[], work: (p: Photo, i: number) => Promise<void>): Promise<{ perSecond: number; mpPerSecond: number; seconds: number }> {
  const queue = Array.from({ length: ROUNDS }, () => photos).flat();
  let next = 0;
  let megapixels = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < queue.length) {
        const i = next++;
        const photo = queue[i]!;
        await work(photo, i);
        megapixels += photo.megapixels;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: queue.length / seconds, mpPerSecond: megapixels / seconds, seconds };
}

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-resize-'));
try {
  const photos = await loadPhotos();
  const store = await FsObjectStore.open(join(work, 'objects'));
  const limits = { maxPixels: 100_000_000, timeoutSeconds: 120 };
  const signal = new AbortController().signal;
  console.log(`bench:resize — ${photos.length} corpus photos (${photos.reduce((s, p) => s + p.megapixels, 0).toFixed(1)} MP in all) × ${ROUNDS} rounds, ${PARALLEL} in parallel, ${cpus().length} cores`);

  const resizeWith = (presets: Preset[]) => (p: Photo, i: number) =>
    inspectSource(p.bytes, limits).then((source) =>
      makeVariants(`${String(i).padStart(4, '0')}${'0'.repeat(60)}`, p.bytes, source, planVariants(p, presets), store, { limits, signal }).then(() => undefined),
    );

  const thumb = await measure(photos, resizeWith(THUMB_JPEG));
  const eager = await measure(photos, resizeWith(EAGER));

  let vips: { perSecond: number; mpPerSecond: number } | undefined;
  try {
    await run('vipsthumbnail', ['--version']);
    vips = await measure(photos, async (p, i) => {
      await run('vipsthumbnail', [corpusPath(p.file), '--size', '50x', '-o', join(work, `vips-${i}.jpg[Q=80,strip]`)]);
    });
  } catch {
    console.log('vipsthumbnail not found: install Debian libvips-tools to compare (apt-get install libvips-tools)');
  }

  console.log('');
  console.log('| run | images/s | source MP/s |');
  console.log('|---|---:|---:|');
  console.log(`| imgsvc resizer, 50 px JPEG thumbnail only | ${thumb.perSecond.toFixed(1)} | ${thumb.mpPerSecond.toFixed(1)} |`);
  if (vips) console.log(`| vipsthumbnail, 50 px JPEG, 2 processes | ${vips.perSecond.toFixed(1)} | ${vips.mpPerSecond.toFixed(1)} |`);
  console.log(`| imgsvc resizer, full eager set (${planVariants({ width: 4000, hasAlpha: false }, EAGER).length} variants + placeholder) | ${eager.perSecond.toFixed(1)} | ${eager.mpPerSecond.toFixed(1)} |`);
  console.log('');
  if (vips) console.log(`resizer / vipsthumbnail per thumbnail: ${(thumb.perSecond / vips.perSecond).toFixed(2)}x (target ≥ 0.9x)`);
  const coreSecondsPerImage = cpus().length / eager.perSecond;
  console.log(`CPU per image for the eager set: ${(coreSecondsPerImage * 1000).toFixed(0)} ms of one core`);
  console.log(`fleet for 5,000,000 uploads/hour (${TARGET_PER_SECOND.toFixed(0)}/s) of photos like these: ${Math.ceil(TARGET_PER_SECOND * coreSecondsPerImage)} cores of resizers`);
} finally {
  await rm(work, { recursive: true, force: true });
}
