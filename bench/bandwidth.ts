/**
 * bench:bandwidth — what each device gets from /i/<id> for every corpus photo: bytes served and
 * SSIM against a lossless Lanczos resize of the original at the width the device displays,
 * against two naive baselines: the original for everyone, and one 1920 px JPEG q80 for
 * everyone. Prints the table and the bytes saved.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { findFreePort } from '../services/redis/free-port.js';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';
import { startChild } from './lib/child.js';
import { referenceAt, ssimAgainst } from './lib/ssim.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROME_ACCEPT = 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8';

interface Device {
  name: string;
  /** Pixels the image fills on screen, full-bleed: CSS width × DPR. */
  displayWidth: number;
  headers: Record<string, string>;
}

const DEVICES: Device[] = [
  { name: 'phone, DPR 3', displayWidth: 1170, headers: { accept: CHROME_ACCEPT, 'sec-ch-viewport-width': '390', 'sec-ch-dpr': '3', 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36' } },
  { name: 'tablet, DPR 2', displayWidth: 1640, headers: { accept: CHROME_ACCEPT, 'sec-ch-viewport-width': '820', 'sec-ch-dpr': '2', 'user-agent': 'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' } },
  { name: 'desktop, DPR 1', displayWidth: 1280, headers: { accept: CHROME_ACCEPT, 'sec-ch-viewport-width': '1280', 'sec-ch-dpr': '1', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36' } },
  { name: 'phone with Save-Data', displayWidth: 1170, headers: { accept: CHROME_ACCEPT, 'sec-ch-viewport-width': '390', 'sec-ch-dpr': '3', 'save-data': 'on', 'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36' } },
  { name: 'legacy browser (IE 11)', displayWidth: 1280, headers: { accept: 'image/png, image/svg+xml, image/*;q=0.8, */*;q=0.5', 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko' } },
];

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-bw-'));
try {
  const port = await findFreePort();
  const imgsvc = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--port', String(port), '--data', join(work, 'data')], `http://127.0.0.1:${port}/readyz`, {
    IMGSVC_LOG_LEVEL: 'warn',
    IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
  });
  const photos = corpusFiles('photos');
  console.log(`bench:bandwidth — ${photos.length} corpus photos × ${DEVICES.length} device profiles; SSIM at the width each device displays`);
  const rows: { device: string; ours: number; original: number; baseline: number; ssimOurs: number[]; ssimOriginal: number[]; ssimBaseline: number[] }[] = DEVICES.map((d) => ({
    device: d.name, ours: 0, original: 0, baseline: 0, ssimOurs: [], ssimOriginal: [], ssimBaseline: [],
  }));

  for (const file of photos) {
    const original = await readFile(corpusPath(file));
    const up = await fetch(`http://127.0.0.1:${port}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: original });
    const { id, width } = (await up.json()) as { id: string; width: number };
    const baseline = await sharp(original).autoOrient().resize({ width: 1920, withoutEnlargement: true }).jpeg({ quality: 80 }).toBuffer();
    for (const [i, device] of DEVICES.entries()) {
      const row = rows[i]!;
      const reference = await referenceAt(original, Math.min(device.displayWidth, width));
      const served = Buffer.from(await (await fetch(`http://127.0.0.1:${port}/i/${id}`, { headers: device.headers })).arrayBuffer());
      row.ours += served.length;
      row.original += original.length;
      row.baseline += baseline.length;
      row.ssimOurs.push(await ssimAgainst(reference, served));
      row.ssimOriginal.push(await ssimAgainst(reference, original));
      row.ssimBaseline.push(await ssimAgainst(reference, baseline));
    }
  }
  await imgsvc.stop();

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const kb = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
  console.log('\n| device | imgsvc bytes | SSIM | original bytes | SSIM | 1920 px JPEG q80 bytes | SSIM | imgsvc vs original | imgsvc vs 1920 JPEG |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  let ours = 0;
  let originals = 0;
  let baselines = 0;
  for (const r of rows) {
    ours += r.ours;
    originals += r.original;
    baselines += r.baseline;
    console.log(
      `| ${r.device} | ${kb(r.ours)} | ${mean(r.ssimOurs).toFixed(4)} | ${kb(r.original)} | ${mean(r.ssimOriginal).toFixed(4)} | ${kb(r.baseline)} | ${mean(r.ssimBaseline).toFixed(4)} | ${(r.ours / r.original).toFixed(3)}x | ${(r.ours / r.baseline).toFixed(3)}x |`,
    );
  }
  console.log(`\nall profiles: imgsvc ${kb(ours)}, originals ${kb(originals)}, 1920 px JPEG ${kb(baselines)}`);
  console.log(`bytes saved: ${kb(originals - ours)} (${((1 - ours / originals) * 100).toFixed(1)}%) against originals, ${kb(baselines - ours)} (${((1 - ours / baselines) * 100).toFixed(1)}%) against one 1920 px JPEG`);
} finally {
  await rm(work, { recursive: true, force: true });
}
