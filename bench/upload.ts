/**
 * bench:upload — POST /v1/images with a real 330 KB JPEG from the corpus (1278x720), 32 connections for
 * 10 s, against imgsvc (`serve --role upload`: no resizer in the process, so its CPU is upload
 * work alone; private Redis, local storage, the bootstrap admin key) and, in the same run,
 * against a node:http sink that only hashes and writes the body. Prints uploads/s, p50/p99 and
 * the ratio. Each request carries distinct bytes (a JPEG comment segment with a counter), so
 * every upload is a real new image: hashed, validated by decoding, stored, indexed, enqueued.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/runtime/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startChild } from './lib/child.js';
import { printResults, runLoad } from './lib/load.js';

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

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-'));
console.log(`bench:upload — ${FILE} (${jpeg.length} bytes), ${CONNECTIONS} connections, ${SECONDS} s each, ${cpus().length} cores, load generator on the same machine`);
try {
  const sinkPort = await findFreePort();
  const sink = await startChild(process.execPath, [join(root, 'bench/sink-server.mjs'), String(sinkPort), join(work, 'sink')], `http://127.0.0.1:${sinkPort}/`);
  const sinkResult = await postLoad('node:http sink (hash + write)', `http://127.0.0.1:${sinkPort}/`, sink.process.pid);
  await sink.stop();

  const port = await findFreePort();
  const imgsvc = await startChild(
    process.execPath,
    [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'upload', '--port', String(port), '--data', join(work, 'data')],
    `http://127.0.0.1:${port}/readyz`,
    { IMGSVC_LOG_LEVEL: 'warn' },
  );
  // Uploads need an API key: the first start writes the bootstrap admin key into the data folder.
  const key = (await readFile(join(work, 'data', 'admin-key'), 'utf8')).trim();
  const imgsvcResult = await postLoad('imgsvc POST /v1/images', `http://127.0.0.1:${port}/v1/images`, imgsvc.process.pid, { authorization: `Bearer ${key}` });
  await imgsvc.stop();

  printResults([imgsvcResult, sinkResult]);
  const ratio = imgsvcResult.requestsPerSecond / sinkResult.requestsPerSecond;
  console.log('');
  console.log(`imgsvc / sink: ${ratio.toFixed(3)}x`);
  console.log(`target 5,000,000 uploads/hour = ${TARGET_PER_SECOND.toFixed(0)}/s; reached ${imgsvcResult.requestsPerSecond.toFixed(1)}/s = ${((imgsvcResult.requestsPerSecond * 3600) / 1e6).toFixed(2)} M/hour on this machine (${(imgsvcResult.requestsPerSecond / TARGET_PER_SECOND).toFixed(3)}x the target)`);
  console.log(`machines like this one needed for the target at this rate: ${Math.ceil(TARGET_PER_SECOND / imgsvcResult.requestsPerSecond)}`);
  if (imgsvcResult.serverCpuMsPerRequest !== undefined) {
    const cores = (TARGET_PER_SECOND * imgsvcResult.serverCpuMsPerRequest) / 1000;
    console.log(`upload CPU per image: ${imgsvcResult.serverCpuMsPerRequest.toFixed(1)} ms (the validation decode alone is most of it) → about ${Math.ceil(cores)} cores of upload pods for the target, plus Redis and storage`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
