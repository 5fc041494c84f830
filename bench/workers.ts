/**
 * bench:workers — does one origin process per core beat one process per pod on the same cores?
 * The same negotiated hit (as bench:hot-path) from one `imgsvc serve --role origin` process and
 * from N of them behind node:cluster (bench/cluster-origin.mjs: the primary accepts, workers
 * serve), alternated over BENCH_ROUNDS rounds, medians of requests/s and of CPU per request
 * (primary and workers together). All share one redis-server and data folder.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/redis/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startChild, type Child } from './lib/child.js';
import { hasWrk, runWrk } from './lib/wrk.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { treeCpuSeconds } from './lib/tree-cpu.js';
import { CHROME_PHONE_HEADERS } from './lib/chrome-phone.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = Number(process.env.BENCH_WORKERS ?? cpus().length);
const CHROME = CHROME_PHONE_HEADERS;
const root = fileURLToPath(new URL('..', import.meta.url));
const useWrk = await hasWrk();
const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-workers-'));
const redisPort = await findFreePort();
const redis = spawn('redis-server', ['--port', String(redisPort), '--save', '', '--appendonly', 'no', '--dir', work], { stdio: 'ignore' });
const env = { IMGSVC_LOG_LEVEL: 'warn', IMGSVC_REPAIR_INTERVAL_SECONDS: '0', REDIS_URL: `redis://127.0.0.1:${redisPort}` };
const children: Child[] = [];
try {
  await new Promise((r) => setTimeout(r, 500));
  const port = await findFreePort();
  const data = join(work, 'data');
  const all = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'all', '--port', String(port), '--data', data], `http://127.0.0.1:${port}/readyz`, env);
  children.push(all);
  const auth = { authorization: `Bearer ${(await readFile(join(data, 'admin-key'), 'utf8')).trim()}` };
  const { id } = (await (await fetch(`http://127.0.0.1:${port}/v1/images?visibility=public`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...auth }, body: await readFile(corpusPath('photos/tower_progressive.jpg')) })).json()) as { id: string };
  while (((await (await fetch(`http://127.0.0.1:${port}/v1/images/${id}`, { headers: auth })).json()) as { status: string }).status === 'processing') await new Promise((r) => setTimeout(r, 100));
  await fetch(`http://127.0.0.1:${port}/i/${id}`, { headers: CHROME }).then((r) => r.arrayBuffer());
  await all.stop();
  children.length = 0;

  const results: Record<string, LoadResult[]> = {};
  console.log(`bench:workers — ${useWrk ? 'wrk' : 'autocannon'}, 64 connections, ${SECONDS} s × ${ROUNDS} alternated rounds, ${cpus().length} cores shared with the load generator`);
  for (let round = 1; round <= ROUNDS; round++) {
    for (const n of [1, WORKERS]) {
      const label = n === 1 ? 'one origin process' : `${n} origin workers (node:cluster)`;
      const originPort = await findFreePort();
      const origin = await startChild(process.execPath, [join(root, 'bench/cluster-origin.mjs'), String(n), String(originPort), data], `http://127.0.0.1:${originPort}/readyz`, env);
      for (let i = 0; i < 4 * n; i++) await fetch(`http://127.0.0.1:${originPort}/i/${id}`, { headers: CHROME }).then((r) => r.arrayBuffer());
      const options = { label, url: `http://127.0.0.1:${originPort}/i/${id}`, connections: 64, seconds: SECONDS, headers: CHROME, serverCpu: () => treeCpuSeconds(origin.process.pid) };
      (results[label] ??= []).push(await (useWrk ? runWrk(options) : runLoad(options)));
      await origin.stop();
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const one = results['one origin process']!;
  console.log('\n| run | requests/s | CPU µs/request | p99 ms | vs one process |\n|---|---:|---:|---:|---:|');
  for (const [label, rs] of Object.entries(results)) {
    const rps = median(rs.map((r) => r.requestsPerSecond));
    console.log(`| ${label} | ${rps.toFixed(0)} | ${median(rs.map((r) => (r.serverCpuMsPerRequest ?? NaN) * 1000)).toFixed(1)} | ${median(rs.map((r) => r.p99Ms)).toFixed(1)} | ${(rps / median(one.map((r) => r.requestsPerSecond))).toFixed(2)}x |`);
  }
  console.log(`per round (requests/s): ${Object.entries(results).map(([l, rs]) => `${l} ${rs.map((r) => r.requestsPerSecond.toFixed(0)).join('/')}`).join('; ')}`);
} finally {
  for (const child of children) await child.stop();
  redis.kill('SIGTERM');
  await rm(work, { recursive: true, force: true });
}
