/**
 * bench:cold-path — on-demand transforms per second: every request asks for a variant that
 * does not exist yet (a fresh width × quality × format combination of a corpus photo), so
 * imgsvc reads the original, decodes, resizes, encodes and stores it; and, in the same run,
 * ipx (another sharp-based server, from npm) doing the same transform. Prints transforms/s,
 * latency and the ratio.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/runtime/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startChild } from './lib/child.js';

const PHOTOS = ['photos/Kite-2560x1600.jpg', 'photos/starfish.jpg', 'photos/Wood.jpg', 'photos/flower.png.im_q85_444.jpg'];
const WIDTHS = [320, 480, 640, 800, 960, 1280];
const FORMATS = ['webp', 'jpeg', 'avif'] as const;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 120);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const root = fileURLToPath(new URL('..', import.meta.url));

interface Job {
  photo: number;
  width: number;
  format: (typeof FORMATS)[number];
  quality: number;
}

/** Distinct combinations, so nothing is ever served from a cache. */
const jobs: Job[] = [];
for (let i = 0; jobs.length < REQUESTS; i++) {
  // i and i + 12 share photo, width and format: the quality tells them apart (40–49 for 120 jobs).
  jobs.push({ photo: i % PHOTOS.length, width: WIDTHS[i % WIDTHS.length]!, format: FORMATS[i % FORMATS.length]!, quality: 40 + (Math.floor(i / 12) % 10) });
}

interface DriveResult {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
  failed: number;
  meanByFormat: Record<string, number>;
}

async function drive(label: string, jobs: Job[], urlOf: (job: Job) => string): Promise<DriveResult> {
  let next = 0;
  let failed = 0;
  const latencies: number[] = [];
  const byFormat: Record<string, number[]> = {};
  const started = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        const t = Date.now();
        const res = await fetch(urlOf(job));
        const body = await res.arrayBuffer();
        if (!res.ok || body.byteLength === 0) failed++;
        latencies.push(Date.now() - t);
        (byFormat[job.format] ??= []).push(Date.now() - t);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  const meanByFormat = Object.fromEntries(Object.entries(byFormat).map(([f, xs]) => [f, xs.reduce((a, b) => a + b, 0) / xs.length]));
  return { label, perSecond: (jobs.length - failed) / seconds, p50: pct(0.5), p99: pct(0.99), failed, meanByFormat };
}

/** One format's share of the mix, at qualities the mix does not use (40–49), so still all misses. */
function perFormat(format: (typeof FORMATS)[number]): Job[] {
  return jobs.filter((j) => j.format === format).map((j) => ({ ...j, quality: j.quality + 50 }));
}

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-cold-'));
try {
  console.log(`bench:cold-path — ${REQUESTS} distinct transforms of ${PHOTOS.length} corpus photos (widths ${WIDTHS.join('/')}, WebP/JPEG/AVIF, varying quality), ${CONCURRENCY} concurrent, ${cpus().length} cores`);

  const port = await findFreePort();
  const imgsvc = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--port', String(port), '--data', join(work, 'data')], `http://127.0.0.1:${port}/readyz`, {
    IMGSVC_LOG_LEVEL: 'warn',
    IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
  });
  const ids: string[] = [];
  const peerDir = join(work, 'peer');
  await mkdir(peerDir, { recursive: true });
  for (const photo of PHOTOS) {
    const up = await fetch(`http://127.0.0.1:${port}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await readFile(corpusPath(photo)) });
    ids.push(((await up.json()) as { id: string }).id);
    await copyFile(corpusPath(photo), join(peerDir, `${ids.length - 1}.jpg`));
  }
  // Let the eager variants finish first, so no background work competes with the measurement.
  for (const id of ids) {
    while (((await (await fetch(`http://127.0.0.1:${port}/v1/images/${id}`)).json()) as { status: string }).status === 'processing') {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const oursUrl = (j: Job) => `http://127.0.0.1:${port}/i/${ids[j.photo]}?w=${j.width}&fmt=${j.format}&q=${j.quality}`;
  const ours = await drive('imgsvc /i/<id>?w=…&fmt=…&q=… (transform + store)', jobs, oursUrl);
  // Each format alone too, with fresh qualities, so a slow AVIF encode does not hide the others.
  const oursByFormat: DriveResult[] = [];
  for (const f of FORMATS) oursByFormat.push(await drive(`imgsvc ${f} only`, perFormat(f), oursUrl));
  await imgsvc.stop();

  const ipxPort = await findFreePort();
  const ipx = await startChild(process.execPath, [join(root, 'bench/ipx-server.mjs'), String(ipxPort), peerDir], `http://127.0.0.1:${ipxPort}/health`);
  const peerUrl = (j: Job) => `http://127.0.0.1:${ipxPort}/w_${j.width},f_${j.format},q_${j.quality}/${j.photo}.jpg`;
  const peer = await drive('ipx /w_…,f_…,q_…/<file>', jobs, peerUrl);
  const peerByFormat: DriveResult[] = [];
  for (const f of FORMATS) peerByFormat.push(await drive(`ipx ${f} only`, perFormat(f), peerUrl));
  await ipx.stop();

  console.log('\n| run | transforms/s | p50 ms | p99 ms | failed |\n|---|---:|---:|---:|---:|');
  for (const r of [ours, peer, ...oursByFormat, ...peerByFormat]) {
    console.log(`| ${r.label} | ${r.perSecond.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.failed} |`);
  }
  console.log(`\nimgsvc / ipx, the mix: ${(ours.perSecond / peer.perSecond).toFixed(2)}x transforms/s`);
  FORMATS.forEach((f, i) => console.log(`imgsvc / ipx, ${f}: ${(oursByFormat[i]!.perSecond / peerByFormat[i]!.perSecond).toFixed(2)}x`));
  console.log('(AVIF: imgsvc encodes at effort 2, ipx at sharp\'s default effort 4; see README, "Quality")');
} finally {
  await rm(work, { recursive: true, force: true });
}
