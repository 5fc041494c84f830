/**
 * bench:hot-path — one cached variant (~20 KB) requested over and over at 64 connections from
 * three servers, in alternated rounds of the same run: imgsvc's negotiated hit (negotiation,
 * analytics and metrics included), a bare node:http server sending the same bytes and response
 * headers (the floor: bench/bare-server.mjs) and nginx serving them as a static file. Medians
 * of BENCH_ROUNDS rounds, requests/s and µs of server CPU per request, ratios to the floor;
 * then what each part of imgsvc's hit costs, measured in process (bench/lib/hot-path-parts.ts).
 * Uses wrk when installed (apt-get install wrk), else autocannon; nginx when installed
 * (apt-get install nginx-light). BENCH_BEFORE_REF=<commit> adds that commit's imgsvc (built in a
 * worktree) to the rounds, for before/after in one run; BENCH_ACCESS=1 adds the access-control
 * rounds (issue 11). Besides `--role all` (every role in one process, the resizer's and event
 * consumers' Redis loops included), the rounds measure `--role origin` on the same Redis and
 * data: the serving process as deployed apart.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/redis/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startTestRedis } from '../test/helpers/redis.js';
import { startChild, type Child } from './lib/child.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { hasWrk, runWrk } from './lib/wrk.js';
import { treeCpuSeconds } from './lib/tree-cpu.js';
import { cpuSeconds } from './lib/proc-cpu.js';
import { measureParts } from './lib/hot-path-parts.js';
import { HANDLER_PARTS } from './lib/handler-parts.js';
import { accessRounds } from './lib/access-rounds.js';
import { buildBaseline, removeBaseline } from './lib/baseline.js';
import type { ImageRecord } from '../services/images/image-record.js';
import { CHROME_PHONE_HEADERS } from './lib/chrome-phone.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CHROME = CHROME_PHONE_HEADERS;
const root = fileURLToPath(new URL('..', import.meta.url));
const useWrk = await hasWrk();
if (!useWrk) console.log('wrk not found (apt-get install wrk): using autocannon, which shares the cores with the servers and costs more CPU');

interface Target {
  label: string;
  url: string;
  headers: Record<string, string>;
  cpu: () => number | undefined;
  results: LoadResult[];
}

async function load(target: Target, round: number): Promise<LoadResult> {
  const options = { label: `${target.label}, round ${round}`, url: target.url, connections: CONNECTIONS, seconds: SECONDS, headers: target.headers, serverCpu: target.cpu };
  return useWrk ? runWrk(options) : runLoad(options);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const children: Child[] = [];
let nginx: ReturnType<typeof spawn> | undefined;
const BEFORE_REF = process.env.BENCH_BEFORE_REF;
const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-hot-'));
// One Redis for the `all` and `origin` processes, which share the data folder too.
const redis = await startTestRedis();
try {
  const port = await findFreePort();
  const env = { IMGSVC_LOG_LEVEL: 'warn', IMGSVC_REPAIR_INTERVAL_SECONDS: '0', REDIS_URL: redis.url };
  const imgsvc = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'all', '--port', String(port), '--data', join(work, 'data')], `http://127.0.0.1:${port}/readyz`, env);
  children.push(imgsvc);
  const base = `http://127.0.0.1:${port}`;
  const key = (await readFile(join(work, 'data', 'admin-key'), 'utf8')).trim();
  const auth = { authorization: `Bearer ${key}` };
  const photo = await readFile(corpusPath('photos/tower_progressive.jpg'));
  const uploadAs = async (visibility: string, body: Buffer) => {
    const res = await fetch(`${base}/v1/images?visibility=${visibility}`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...auth }, body });
    const { id: made } = (await res.json()) as { id: string };
    // Let the eager variants finish, so no background work competes with the measurement.
    while (((await (await fetch(`${base}/v1/images/${made}`, { headers: auth })).json()) as { status: string }).status === 'processing') {
      await new Promise((r) => setTimeout(r, 100));
    }
    return made;
  };
  const id = await uploadAs('public', photo);
  const record = (await (await fetch(`${base}/v1/images/${id}`, { headers: auth })).json()) as ImageRecord;
  // Negotiated for this phone: AVIF at 512 px (the original's width caps the 1280 rung). The
  // first request makes it; the second is the hit whose headers the floor copies.
  await fetch(`${base}/i/${id}`, { headers: CHROME }).then((r) => r.arrayBuffer());
  const negotiated = await fetch(`${base}/i/${id}`, { headers: CHROME });
  const bytes = Buffer.from(await negotiated.arrayBuffer());
  const responseHeaders = [...negotiated.headers].filter(([name]) => !['date', 'connection', 'keep-alive'].includes(name));
  console.log(`bench:hot-path — ${useWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${SECONDS} s × ${ROUNDS} alternated rounds, ${cpus().length} cores, load generator on the same machine`);
  console.log(`variant: ${negotiated.headers.get('content-type')} ${bytes.length} bytes, ${responseHeaders.length} response headers (besides Date and Connection)`);

  const www = join(work, 'www');
  await mkdir(www, { recursive: true });
  // nginx workers run as an unprivileged user: the folders must be readable by them.
  await chmod(work, 0o755);
  await chmod(www, 0o755);
  await writeFile(join(www, 'variant.avif'), bytes, { mode: 0o644 });
  await writeFile(join(work, 'headers.json'), JSON.stringify(responseHeaders));

  const barePort = await findFreePort();
  const bare = await startChild(process.execPath, [join(root, 'bench/bare-server.mjs'), String(barePort), join(www, 'variant.avif'), join(work, 'headers.json')], `http://127.0.0.1:${barePort}/readyz`);
  children.push(bare);
  const originPort = await findFreePort();
  const origin = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'origin', '--port', String(originPort), '--data', join(work, 'data')], `http://127.0.0.1:${originPort}/readyz`, env);
  children.push(origin);
  const originUrl = `http://127.0.0.1:${originPort}/i/${id}`;
  await fetch(originUrl, { headers: CHROME }).then((r) => r.arrayBuffer());
  const targets: Target[] = [
    { label: 'imgsvc /i/<id>, negotiated (Chrome phone headers)', url: `${base}/i/${id}`, headers: CHROME, cpu: () => cpuSeconds(imgsvc.process.pid), results: [] },
    { label: 'imgsvc --role origin, same request', url: originUrl, headers: CHROME, cpu: () => cpuSeconds(origin.process.pid), results: [] },
    { label: 'bare node:http, same bytes and headers', url: `http://127.0.0.1:${barePort}/`, headers: CHROME, cpu: () => cpuSeconds(bare.process.pid), results: [] },
  ];

  if (BEFORE_REF) {
    const bin = buildBaseline(root, BEFORE_REF, join(work, 'before'));
    const beforePort = await findFreePort();
    const before = await startChild(process.execPath, [bin, 'serve', '--role', 'all', '--port', String(beforePort), '--data', join(work, 'before-data')], `http://127.0.0.1:${beforePort}/readyz`, {
      IMGSVC_LOG_LEVEL: 'warn',
      IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
    });
    children.push(before);
    const beforeBase = `http://127.0.0.1:${beforePort}`;
    const beforeKey = (await readFile(join(work, 'before-data', 'admin-key'), 'utf8')).trim();
    const { id: beforeId } = (await (await fetch(`${beforeBase}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${beforeKey}` }, body: photo })).json()) as { id: string };
    while (((await (await fetch(`${beforeBase}/v1/images/${beforeId}`, { headers: { authorization: `Bearer ${beforeKey}` } })).json()) as { status: string }).status === 'processing') await new Promise((r) => setTimeout(r, 100));
    await fetch(`${beforeBase}/i/${beforeId}`, { headers: CHROME }).then((r) => r.arrayBuffer());
    targets.splice(1, 0, { label: `imgsvc at ${BEFORE_REF} (before), same request`, url: `${beforeBase}/i/${beforeId}`, headers: CHROME, cpu: () => cpuSeconds(before.process.pid), results: [] });
  }

  const nginxPort = await findFreePort();
  const conf = join(work, 'nginx.conf');
  const extra = responseHeaders.filter(([n]) => !['content-type', 'content-length', 'etag', 'cache-control'].includes(n)).map(([n, v]) => `add_header ${n} "${v.replace(/"/g, '\\"')}";`).join(' ');
  await writeFile(
    conf,
    `worker_processes ${cpus().length};\npid ${join(work, 'nginx.pid')};\nerror_log stderr warn;\ndaemon off;\nevents { worker_connections 4096; }\n` +
      `http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; types { image/avif avif; }\n` +
      `  client_body_temp_path ${work}/nb; proxy_temp_path ${work}/np; fastcgi_temp_path ${work}/nf; uwsgi_temp_path ${work}/nu; scgi_temp_path ${work}/ns;\n` +
      `  server { listen 127.0.0.1:${nginxPort}; root ${www}; location / { etag on; expires max; ${extra} } } }\n`,
  );
  try {
    nginx = spawn('nginx', ['-c', conf, '-p', work], { stdio: ['ignore', 'ignore', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      nginx!.once('error', reject);
      setTimeout(resolve, 500);
    });
    const nginxPid = nginx.pid;
    targets.push({ label: 'nginx, same bytes as a static file', url: `http://127.0.0.1:${nginxPort}/variant.avif`, headers: CHROME, cpu: () => treeCpuSeconds(nginxPid), results: [] });
  } catch (err) {
    console.log(`nginx could not be started (${(err as Error).message}); install it with apt-get install nginx-light`);
  }

  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) target.results.push(await load(target, round));
  }
  const floor = targets.find((t) => t.label.startsWith('bare'))!;
  const rps = (t: Target) => median(t.results.map((r) => r.requestsPerSecond));
  const cpu = (t: Target) => median(t.results.map((r) => (r.serverCpuMsPerRequest ?? NaN) * 1000));
  console.log('\n| server | requests/s | CPU µs/request | p50 ms | p99 ms | requests/s vs bare | CPU vs bare |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const t of targets) {
    const p50 = median(t.results.map((r) => r.p50Ms));
    const p99 = median(t.results.map((r) => r.p99Ms));
    const bad = t.results.reduce((n, r) => n + r.non2xx + r.errors, 0);
    console.log(`| ${t.label} | ${rps(t).toFixed(0)} | ${cpu(t).toFixed(1)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${(rps(t) / rps(floor)).toFixed(2)}x | ${(cpu(t) / cpu(floor)).toFixed(2)}x |${bad ? ` (${bad} non-2xx/errors)` : ''}`);
  }
  console.log(`per round (requests/s): ${targets.map((t) => `${t.label.split(',')[0]} ${t.results.map((r) => r.requestsPerSecond.toFixed(0)).join('/')}`).join('; ')}`);

  console.log('\nimgsvc\'s parts of a hit, in process (µs of CPU per request, median of 5 runs):');
  for (const { part, microseconds } of await measureParts({ record, headers: CHROME, data: bytes, responseHeaders }, HANDLER_PARTS)) {
    console.log(`  ${part.padEnd(52)} ${microseconds.toFixed(2)}`);
  }

  if (process.env.BENCH_ACCESS === '1') await accessRounds({ root, work, base, imgsvc, photo, uploadAs, id, auth, headers: CHROME, rounds: ROUNDS, load: (label, url, pid) => load({ label, url, headers: CHROME, cpu: () => cpuSeconds(pid), results: [] }, 0) });
} finally {
  nginx?.kill('SIGTERM');
  for (const child of children) await child.stop();
  if (BEFORE_REF) removeBaseline(root, join(work, 'before'));
  await redis.stop();
  await rm(work, { recursive: true, force: true });
}
