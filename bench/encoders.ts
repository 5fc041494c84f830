/**
 * bench:encoders — JPEG and WebP encoder settings at equal SSIM, in process: for each photo,
 * the quality each setting needs to reach the SSIM of ipx's output (sharp's defaults: libjpeg
 * q80 without mozjpeg, WebP q80 effort 4), its bytes, and its encode CPU. Decides which
 * settings imgsvc encodes with (services/imaging/steps/encode.ts): bytes at equal SSIM
 * against CPU. Plus what storing a variant (write, fsync, rename) costs beside the encode.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp, { type JpegOptions, type WebpOptions } from 'sharp';
import { corpusPath } from '../test/helpers/corpus.js';
import { referenceAt, ssimAgainst } from './lib/ssim.js';
import { FsObjectStore } from '../services/storage/fs-store.js';

const PHOTOS = ['photos/Kite-2560x1600.jpg', 'photos/starfish.jpg', 'photos/Wood.jpg', 'photos/flower.png.im_q85_444.jpg'];
const WIDTH = Number(process.env.BENCH_WIDTH ?? 800);
const REPEAT = 5;
sharp.concurrency(1);

const JPEG: Record<string, Omit<JpegOptions, 'quality'>> = {
  'libjpeg (ipx, sharp default)': {},
  'mozjpeg: all (imgsvc before)': { mozjpeg: true },
  'trellisQuantisation only': { trellisQuantisation: true },
  'overshootDeringing only': { overshootDeringing: true },
  'optimiseScans only (progressive)': { optimiseScans: true, progressive: true },
  'quantisationTable 3 only': { quantisationTable: 3 },
  'quantisationTable 3 + optimiseScans': { quantisationTable: 3, optimiseScans: true, progressive: true },
};
const WEBP_EFFORTS = [0, 1, 2, 3, 4, 5, 6];

interface Raw {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

function cpuMs<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const before = process.cpuUsage();
  return fn().then((value) => {
    const used = process.cpuUsage(before);
    return { value, ms: (used.user + used.system) / 1000 };
  });
}

async function encode(raw: Raw, format: 'jpeg' | 'webp', options: JpegOptions | WebpOptions): Promise<{ bytes: Buffer; ms: number }> {
  const run = () => {
    const p = sharp(raw.data, { raw: raw.info });
    return (format === 'jpeg' ? p.jpeg(options as JpegOptions) : p.webp(options as WebpOptions)).toBuffer();
  };
  await run();
  const times: number[] = [];
  let bytes = Buffer.alloc(0);
  for (let i = 0; i < REPEAT; i++) {
    const { value, ms } = await cpuMs(run);
    bytes = value;
    times.push(ms);
  }
  return { bytes, ms: times.sort((a, b) => a - b)[Math.floor(REPEAT / 2)]! };
}

/** The lowest quality whose SSIM reaches `target` (SSIM rises with quality; bisection over integers). */
async function qualityFor(raw: Raw, reference: Awaited<ReturnType<typeof referenceAt>>, format: 'jpeg' | 'webp', options: object, target: number) {
  let lo = 30;
  let hi = 100;
  const ssimAt = new Map<number, number>();
  const at = async (q: number) => {
    if (!ssimAt.has(q)) {
      const p = sharp(raw.data, { raw: raw.info });
      const out = await (format === 'jpeg' ? p.jpeg({ ...options, quality: q }) : p.webp({ ...options, quality: q })).toBuffer();
      ssimAt.set(q, await ssimAgainst(reference, out));
    }
    return ssimAt.get(q)!;
  };
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if ((await at(mid)) >= target) hi = mid;
    else lo = mid + 1;
  }
  return { quality: lo, ssim: await at(lo) };
}

interface Row {
  bytes: number;
  ms: number;
  quality: number[];
  ssim: number[];
}
const rows = new Map<string, Row>();
const add = (name: string, bytes: number, ms: number, quality: number, s: number) => {
  const row = rows.get(name) ?? { bytes: 0, ms: 0, quality: [], ssim: [] };
  row.bytes += bytes;
  row.ms += ms;
  row.quality.push(quality);
  row.ssim.push(s);
  rows.set(name, row);
};

const ONLY_ANCHORS = process.env.BENCH_ONLY === 'anchors';
if (!ONLY_ANCHORS) console.log(`bench:encoders — ${PHOTOS.length} photos at ${WIDTH} px, encode CPU median of ${REPEAT}, one thread; quality searched for the SSIM of ipx's q80 output`);
for (const photo of ONLY_ANCHORS ? [] : PHOTOS) {
  const original = await sharp(corpusPath(photo)).toBuffer();
  const reference = await referenceAt(original, WIDTH);
  const raw = (await sharp(original).autoOrient().resize({ width: WIDTH, kernel: 'lanczos3' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true })) as unknown as Raw;
  for (const format of ['jpeg', 'webp'] as const) {
    const peerOptions = format === 'jpeg' ? { quality: 80 } : { quality: 80, effort: 4 };
    const peer = await encode(raw, format, peerOptions);
    const target = await ssimAgainst(reference, peer.bytes);
    add(`${format}: ipx q80`, peer.bytes.length, peer.ms, 80, target);
    const settings: [string, object][] = format === 'jpeg' ? Object.entries(JPEG) : WEBP_EFFORTS.map((effort) => [`effort ${effort}`, { effort }]);
    for (const [name, options] of settings) {
      const { quality, ssim } = await qualityFor(raw, reference, format, options, target);
      const out = await encode(raw, format, { ...options, quality });
      add(`${format}: ${name}`, out.bytes.length, out.ms, quality, ssim);
    }
  }
}

const ipx = { jpeg: rows.get('jpeg: ipx q80')!, webp: rows.get('webp: ipx q80')! };
console.log('\n| setting (at the SSIM of ipx q80) | qualities | bytes (sum) | bytes vs ipx | encode CPU ms (sum) | CPU vs ipx |');
console.log('|---|---|---:|---:|---:|---:|');
for (const [name, row] of rows) {
  const peer = name.startsWith('jpeg') ? ipx.jpeg : ipx.webp;
  console.log(`| ${name} | ${row.quality.join('/')} | ${row.bytes} | ${(row.bytes / peer.bytes).toFixed(3)} | ${row.ms.toFixed(1)} | ${(row.ms / peer.ms).toFixed(2)}x |`);
}

// The qualities of services/core/quality.ts were anchored on mozjpeg q80 and q60: the libjpeg
// qualities with the same SSIM keep every format's table valid.
console.log('\nlibjpeg quality with the SSIM of the mozjpeg anchors (per photo), and its bytes against mozjpeg:');
for (const anchor of [80, 60]) {
  const found: number[] = [];
  let mozBytes = 0;
  let plainBytes = 0;
  for (const photo of PHOTOS) {
    const original = await sharp(corpusPath(photo)).toBuffer();
    const reference = await referenceAt(original, WIDTH);
    const raw = (await sharp(original).autoOrient().resize({ width: WIDTH, kernel: 'lanczos3' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true })) as unknown as Raw;
    const moz = await sharp(raw.data, { raw: raw.info }).jpeg({ quality: anchor, mozjpeg: true }).toBuffer();
    const { quality } = await qualityFor(raw, reference, 'jpeg', {}, await ssimAgainst(reference, moz));
    found.push(quality);
    mozBytes += moz.length;
    plainBytes += (await sharp(raw.data, { raw: raw.info }).jpeg({ quality }).toBuffer()).length;
  }
  console.log(`  mozjpeg q${anchor}: libjpeg q${found.join('/')}, bytes ${(plainBytes / mozBytes).toFixed(3)}x mozjpeg's`);
}
if (ONLY_ANCHORS) process.exit(0);

// Storing a variant: what imgsvc does after every on-demand transform and ipx never does.
const dir = await mkdtemp(join(tmpdir(), 'imgsvc-bench-store-'));
try {
  const store = await FsObjectStore.open(dir);
  const body = Buffer.alloc(Math.round(ipx.webp.bytes / PHOTOS.length), 7);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t = performance.now();
    const { ms } = await cpuMs(() => store.put(`variants/bench/${i}.webp`, body, { contentType: 'image/webp' }));
    wall.push(performance.now() - t);
    cpu.push(ms);
  }
  const med = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  console.log(`\nstoring one ${body.length}-byte variant (FsStore.put: write, fsync, rename): ${med(wall).toFixed(2)} ms wall, ${med(cpu).toFixed(2)} ms CPU (medians of 40)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
