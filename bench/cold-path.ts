/**
 * bench:cold-path — on-demand transforms per second: every request asks for a variant that
 * does not exist yet (a fresh width × quality × format combination of a corpus photo), so
 * imgsvc reads the original, decodes, resizes and encodes it; and, in the same run,
 * ipx (another sharp-based server, from npm) doing the same transform. Both servers run at
 * once and take turns, format by format. Prints per format transforms/s, server CPU per
 * transform, mean bytes and SSIM (against a Lanczos reference, on the jobs up to 640 px) with
 * the ratios to ipx; and how much of imgsvc's transform time is storing the result.
 *
 * imgsvc's URLs are signed (minted through the API): an unsigned URL's `q` is ignored and its
 * width snaps to the ladder (issue 21, item 6), so unsigned jobs would repeat one another.
 * Signed one-offs with their own quality are kept in memory, not stored, as ipx keeps nothing.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/redis/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startChild } from './lib/child.js';
import { cpuSeconds } from './lib/proc-cpu.js';
import { referenceAt, ssimAgainst } from './lib/ssim.js';

const PHOTOS = ['photos/Kite-2560x1600.jpg', 'photos/starfish.jpg', 'photos/Wood.jpg', 'photos/flower.png.im_q85_444.jpg'];
const WIDTHS = [320, 480, 640, 800, 960, 1280];
const FORMATS = ['webp', 'jpeg', 'avif'] as const;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);
/** Formats measured alone as well (AVIF only in the mix by default: ipx's effort-4 AVIF takes seconds a transform here). */
const PER_FORMAT = (process.env.BENCH_FORMATS ?? 'jpeg,webp').split(',') as (typeof FORMATS)[number][];
const SSIM_SAMPLES = Number(process.env.BENCH_SSIM_SAMPLES ?? 6);
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
  cpuMsPerTransform: number;
  meanBytes: number;
  /** Bodies of the jobs up to 640 px wide, for SSIM. */
  samples: { job: Job; body: Buffer }[];
}

async function drive(label: string, jobs: Job[], urlOf: (job: Job) => string, pid: number | undefined): Promise<DriveResult> {
  let next = 0;
  let failed = 0;
  let bytes = 0;
  const samples: { job: Job; body: Buffer }[] = [];
  const cpuBefore = cpuSeconds(pid) ?? 0;
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
        bytes += body.byteLength;
        if (job.width <= 640 && samples.length < SSIM_SAMPLES) samples.push({ job, body: Buffer.from(body) });
        latencies.push(Date.now() - t);
        (byFormat[job.format] ??= []).push(Date.now() - t);
      }
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  const meanByFormat = Object.fromEntries(Object.entries(byFormat).map(([f, xs]) => [f, xs.reduce((a, b) => a + b, 0) / xs.length]));
  const cpuMsPerTransform = (((cpuSeconds(pid) ?? 0) - cpuBefore) * 1000) / Math.max(1, jobs.length - failed);
  return { label, perSecond: (jobs.length - failed) / seconds, p50: pct(0.5), p99: pct(0.99), failed, meanByFormat, cpuMsPerTransform, meanBytes: bytes / jobs.length, samples };
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
  const auth = { authorization: `Bearer ${(await readFile(join(work, 'data', 'admin-key'), 'utf8')).trim()}` };
  for (const photo of PHOTOS) {
    const up = await fetch(`http://127.0.0.1:${port}/v1/images?visibility=public`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...auth }, body: await readFile(corpusPath(photo)) });
    ids.push(((await up.json()) as { id: string }).id);
    await copyFile(corpusPath(photo), join(peerDir, `${ids.length - 1}.jpg`));
  }
  // Let the eager variants finish first, so no background work competes with the measurement.
  for (const id of ids) {
    while (((await (await fetch(`http://127.0.0.1:${port}/v1/images/${id}`, { headers: auth })).json()) as { status: string }).status === 'processing') {
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const ipxPort = await findFreePort();
  const ipx = await startChild(process.execPath, [join(root, 'bench/ipx-server.mjs'), String(ipxPort), peerDir], `http://127.0.0.1:${ipxPort}/health`);
  // Every job's URL signed up front, 32 to a call, so minting is not part of the measurement.
  const signed = new Map<string, string>();
  const jobKey = (j: Job) => `${j.photo}/${j.width}/${j.format}/${j.quality}`;
  const allJobs = [...jobs, ...PER_FORMAT.flatMap((f) => perFormat(f))];
  for (let photo = 0; photo < PHOTOS.length; photo++) {
    const mine = [...new Map(allJobs.filter((j) => j.photo === photo).map((j) => [jobKey(j), j])).values()];
    for (let i = 0; i < mine.length; i += 32) {
      const batch = mine.slice(i, i + 32);
      const res = await fetch(`http://127.0.0.1:${port}/v1/images/${ids[photo]}/signed-urls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...auth },
        body: JSON.stringify({ variants: batch.map((j) => ({ w: j.width, fmt: j.format, q: j.quality })) }),
      });
      const urls = ((await res.json()) as { urls: Record<string, string> }).urls;
      batch.forEach((j, k) => signed.set(jobKey(j), urls[`variant${k}`]!.replace(/^https?:\/\/[^/]+/, `http://127.0.0.1:${port}`)));
    }
  }
  const oursUrl = (j: Job) => signed.get(jobKey(j))!;
  const peerUrl = (j: Job) => `http://127.0.0.1:${ipxPort}/w_${j.width},f_${j.format},q_${j.quality}/${j.photo}.jpg`;
  const ours = await drive('imgsvc /i/<id>?w=…&fmt=…&q=…&sig=… (transform)', jobs, oursUrl, imgsvc.process.pid);
  const peer = await drive('ipx /w_…,f_…,q_…/<file>', jobs, peerUrl, ipx.process.pid);
  // Each format alone too, with fresh qualities, so a slow AVIF encode does not hide the others;
  // the two servers take turns, so both see the same minute of this shared machine.
  const oursByFormat: DriveResult[] = [];
  const peerByFormat: DriveResult[] = [];
  for (const f of PER_FORMAT) {
    oursByFormat.push(await drive(`imgsvc ${f} only`, perFormat(f), oursUrl, imgsvc.process.pid));
    peerByFormat.push(await drive(`ipx ${f} only`, perFormat(f), peerUrl, ipx.process.pid));
  }
  // What storing costs inside imgsvc's transforms: the transform histogram (read, decode, resize,
  // encode) against the request's time; the rest is mostly the store's write, fsync and rename.
  const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const sum = (name: string) => [...metrics.matchAll(new RegExp(`^${name}\\{[^}]*\\} ([\\d.e+-]+)`, 'gm'))].reduce((n, m) => n + Number(m[1]), 0);
  const transformSeconds = sum('imgsvc_origin_transform_duration_seconds_sum');
  const transformCount = sum('imgsvc_origin_transform_duration_seconds_count');
  await imgsvc.stop();
  await ipx.stop();

  console.log('\n| run | transforms/s | server CPU ms/transform | mean bytes | p50 ms | p99 ms | failed |\n|---|---:|---:|---:|---:|---:|---:|');
  for (const r of [ours, peer, ...oursByFormat, ...peerByFormat]) {
    console.log(`| ${r.label} | ${r.perSecond.toFixed(1)} | ${r.cpuMsPerTransform.toFixed(0)} | ${r.meanBytes.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.failed} |`);
  }
  const references = new Map<string, Awaited<ReturnType<typeof referenceAt>>>();
  const meanSsim = async (r: DriveResult) => {
    let total = 0;
    for (const { job, body } of r.samples) {
      const key = `${job.photo}/${job.width}`;
      if (!references.has(key)) references.set(key, await referenceAt(await readFile(corpusPath(PHOTOS[job.photo]!)), job.width));
      total += await ssimAgainst(references.get(key)!, body);
    }
    return r.samples.length > 0 ? total / r.samples.length : NaN;
  };
  console.log(`\n| format | transforms/s vs ipx | CPU/transform vs ipx | bytes vs ipx | SSIM imgsvc | SSIM ipx |\n|---|---:|---:|---:|---:|---:|`);
  for (let i = 0; i < PER_FORMAT.length; i++) {
    const o = oursByFormat[i]!;
    const p = peerByFormat[i]!;
    console.log(`| ${PER_FORMAT[i]} | ${(o.perSecond / p.perSecond).toFixed(2)}x | ${(o.cpuMsPerTransform / p.cpuMsPerTransform).toFixed(2)}x | ${(o.meanBytes / p.meanBytes).toFixed(3)}x | ${(await meanSsim(o)).toFixed(4)} | ${(await meanSsim(p)).toFixed(4)} |`);
  }
  console.log(`| the mix | ${(ours.perSecond / peer.perSecond).toFixed(2)}x | ${(ours.cpuMsPerTransform / peer.cpuMsPerTransform).toFixed(2)}x | ${(ours.meanBytes / peer.meanBytes).toFixed(3)}x | | |`);
  console.log(`\nimgsvc's transforms: ${transformCount} made, ${((transformSeconds / Math.max(1, transformCount)) * 1000).toFixed(0)} ms each from original read to encoded bytes (the storing after it, write + fsync + rename, is measured by npm run bench:encoders)`);
  console.log("(AVIF: imgsvc encodes at effort 2, ipx at sharp's default effort 4; see BENCHMARKS.md, \"Quality\")");
} finally {
  await rm(work, { recursive: true, force: true });
}
