/**
 * bench:upload — POST /v1/images with a real 330 KB JPEG from the corpus (1278x720), 32 connections for
 * 10 s, against imgsvc (`serve --role upload`: no resizer in the process, so its CPU is upload
 * work alone; private Redis, local storage, the bootstrap admin key) and, in the same run,
 * against a node:http sink that only hashes and writes the body. Prints uploads/s, p50/p99 and
 * the ratio. Each request carries distinct bytes (a JPEG comment segment with a counter), so
 * every upload is a real new image: hashed, validated by decoding, stored, indexed, enqueued.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/redis/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startChild } from './lib/child.js';
import { printResults, runLoad, type LoadResult } from './lib/load.js';
import sharp from 'sharp';
import { probeImage } from '../services/upload/probe-image.js';

const FILE = process.env.BENCH_FILE ?? 'photos/starfish.jpg';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const TARGET_PER_SECOND = 5_000_000 / 3600;

const root = fileURLToPath(new URL('..', import.meta.url));
const jpeg = await readFile(corpusPath(FILE));
let counter = 0;
/** Same picture, new bytes: a COM segment right after SOI. */
function nextBody(): Buffer {
  const text = Buffer.from(`bench ${process.pid} ${counter++}`);
  const segment = Buffer.alloc(4 + text.length);
  segment.writeUInt16BE(0xfffe, 0);
  segment.writeUInt16BE(text.length + 2, 2);
  text.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/** The same upload load against either server: distinct JPEG bodies at CONNECTIONS for SECONDS. */
function postLoad(label: string, url: string, serverPid: number | undefined, auth: Record<string, string> = {}) {
  return runLoad({ label, url, method: 'POST', connections: CONNECTIONS, seconds: SECONDS, headers: { 'content-type': 'image/jpeg', ...auth }, body: nextBody, serverPid });
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One imgsvc upload role in a fresh data folder, loaded, then stopped. */
async function imgsvcRun(label: string, dataDir: string, env: Record<string, string>): Promise<LoadResult> {
  const port = await findFreePort();
  const child = await startChild(
    process.execPath,
    [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'upload', '--port', String(port), '--data', dataDir],
    `http://127.0.0.1:${port}/readyz`,
    // One key and one address send everything here: the per-key and per-address limits (requests
    // and uploads in flight, 8 and 16 by default) would answer 429 to most of the 32 connections.
    {
      IMGSVC_LOG_LEVEL: 'warn',
      IMGSVC_RATE_LIMIT_PER_KEY: 'off',
      IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off',
      IMGSVC_UPLOADS_PER_KEY: String(CONNECTIONS * 2),
      IMGSVC_UPLOADS_PER_ADDRESS: String(CONNECTIONS * 2),
      ...env,
    },
  );
  try {
    // Uploads need an API key: the first start writes the bootstrap admin key into the data folder.
    const key = (await readFile(join(dataDir, 'admin-key'), 'utf8')).trim();
    return await postLoad(label, `http://127.0.0.1:${port}/v1/images`, child.process.pid, { authorization: `Bearer ${key}` });
  } finally {
    await child.stop();
  }
}

/** CPU ms of one probeImage call (median of many), in this process: the validation alone. */
async function probeCpuMs(path: string, validation: 'full' | 'header' | 'metadata'): Promise<number> {
  const limits = { maxPixels: 100_000_000, maxFrames: 1000, maxAnimationPixels: 50_000_000, timeoutSeconds: 10 };
  const samples: number[] = [];
  for (let i = 0; i < 101; i++) {
    const c0 = process.cpuUsage();
    // The floor: reading the file and its header, which both modes do first.
    if (validation === 'metadata') await sharp(await readFile(path)).metadata();
    else await probeImage(path, jpeg.subarray(0, 64), { ...limits, validation });
    const d = process.cpuUsage(c0);
    samples.push((d.user + d.system) / 1000);
  }
  return median(samples);
}

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-'));
console.log(`bench:upload — ${FILE} (${jpeg.length} bytes), ${CONNECTIONS} connections, ${SECONDS} s each, ${ROUNDS} alternated rounds, ${cpus().length} cores, load generator on the same machine`);
try {
  const runs: Record<'sink' | 'full' | 'header', LoadResult[]> = { sink: [], full: [], header: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const sinkPort = await findFreePort();
    const sink = await startChild(process.execPath, [join(root, 'bench/sink-server.mjs'), String(sinkPort), join(work, 'sink')], `http://127.0.0.1:${sinkPort}/`);
    runs.sink.push(await postLoad('node:http sink (hash + write)', `http://127.0.0.1:${sinkPort}/`, sink.process.pid));
    await sink.stop();
    runs.full.push(await imgsvcRun('imgsvc POST /v1/images, full validation', join(work, `full-${round}`), {}));
    runs.header.push(await imgsvcRun('imgsvc POST /v1/images, IMGSVC_UPLOAD_VALIDATION=header', join(work, `header-${round}`), { IMGSVC_UPLOAD_VALIDATION: 'header' }));
  }
  printResults([...runs.full, ...runs.header, ...runs.sink]);

  const cpu = (rs: LoadResult[]) => median(rs.map((r) => r.serverCpuMsPerRequest ?? NaN));
  const rate = (rs: LoadResult[]) => median(rs.map((r) => r.requestsPerSecond));
  const floor = cpu(runs.sink);
  console.log('');
  console.log('| medians | uploads/s | server CPU ms/upload | CPU / sink |');
  console.log('|---|---:|---:|---:|');
  for (const [label, rs] of [['imgsvc, full validation', runs.full], ['imgsvc, header validation', runs.header], ['node:http sink (the floor)', runs.sink]] as const) {
    console.log(`| ${label} | ${rate(rs).toFixed(1)} | ${cpu(rs).toFixed(2)} | ${(cpu(rs) / floor).toFixed(1)}x |`);
  }

  const path = join(work, 'probe.jpg');
  await writeFile(path, jpeg);
  const meta = await probeCpuMs(path, 'metadata');
  const full = await probeCpuMs(path, 'full');
  const header = await probeCpuMs(path, 'header');
  console.log(`\nprobeImage CPU per call: full ${full.toFixed(2)} ms (${(full / meta).toFixed(1)}x the floor), header ${header.toFixed(2)} ms (${(header / meta).toFixed(1)}x); floor (read the file and its header) ${meta.toFixed(2)} ms`);
  const best = rate(runs.full);
  console.log(`target 5,000,000 uploads/hour = ${TARGET_PER_SECOND.toFixed(0)}/s; reached ${best.toFixed(1)}/s with full validation on this machine (${(best / TARGET_PER_SECOND).toFixed(3)}x the target)`);
  for (const [label, rs] of [['full', runs.full], ['header', runs.header]] as const) {
    console.log(`upload CPU per image (${label}): ${cpu(rs).toFixed(1)} ms (target ≤ 8) → about ${Math.ceil((TARGET_PER_SECOND * cpu(rs)) / 1000)} cores of upload pods for the target, plus Redis and storage`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
