/**
 * bench:hot-path — one cached variant (~20 KB) requested over and over at 64 connections, from
 * imgsvc (negotiation, analytics and metrics included) and from nginx serving the same bytes
 * as a static file, in the same run. Uses wrk when installed (apt-get install wrk), else
 * autocannon. Prints requests/s, p50/p99 and the ratio to nginx.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '../services/runtime/free-port.js';
import { corpusPath } from '../test/helpers/corpus.js';
import { startChild } from './lib/child.js';
import { printResults, runLoad, type LoadResult } from './lib/load.js';
import { hasWrk, runWrk } from './lib/wrk.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CHROME = {
  accept: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  'user-agent': 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
  'sec-ch-viewport-width': '412',
  'sec-ch-dpr': '2.625',
};
const root = fileURLToPath(new URL('..', import.meta.url));
const useWrk = await hasWrk();

async function load(label: string, url: string, headers: Record<string, string>, pid: number | undefined): Promise<LoadResult> {
  return useWrk
    ? runWrk({ label, url, connections: CONNECTIONS, seconds: SECONDS, headers, serverPid: pid })
    : runLoad({ label, url, connections: CONNECTIONS, seconds: SECONDS, headers, serverPid: pid });
}

const work = await mkdtemp(join(tmpdir(), 'imgsvc-bench-hot-'));
try {
  const port = await findFreePort();
  const imgsvc = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'all', '--port', String(port), '--data', join(work, 'data')], `http://127.0.0.1:${port}/readyz`, {
    IMGSVC_LOG_LEVEL: 'warn',
    IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
  });
  const base = `http://127.0.0.1:${port}`;
  const upload = await fetch(`${base}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await readFile(corpusPath('photos/tower_progressive.jpg')) });
  const { id } = (await upload.json()) as { id: string };
  // Let the eager variants finish, so no background work competes with the measurement.
  while (((await (await fetch(`${base}/v1/images/${id}`)).json()) as { status: string }).status === 'processing') {
    await new Promise((r) => setTimeout(r, 100));
  }
  // Negotiated for this phone: AVIF at 512 px (the original's width caps the 1280 rung).
  const negotiated = await fetch(`${base}/i/${id}`, { headers: CHROME });
  const bytes = Buffer.from(await negotiated.arrayBuffer());
  const explicitUrl = `${base}/i/${id}?w=512&fmt=webp`;
  const explicitBytes = Buffer.from(await (await fetch(explicitUrl)).arrayBuffer());
  console.log(`bench:hot-path — ${useWrk ? 'wrk' : 'autocannon'}, ${CONNECTIONS} connections, ${SECONDS} s each, ${cpus().length} cores, load generator on the same machine`);
  console.log(`variant: ${negotiated.headers.get('content-type')} ${bytes.length} bytes (negotiated); ${explicitBytes.length} bytes (explicit URL)`);

  // nginx with the same bytes as a static file.
  const nginxPort = await findFreePort();
  const www = join(work, 'www');
  await mkdir(www, { recursive: true });
  // nginx workers run as an unprivileged user: the folders must be readable by them.
  await chmod(work, 0o755);
  await chmod(www, 0o755);
  await writeFile(join(www, 'variant.avif'), bytes, { mode: 0o644 });
  await writeFile(join(www, 'variant.webp'), explicitBytes, { mode: 0o644 });
  const conf = join(work, 'nginx.conf');
  await writeFile(
    conf,
    `worker_processes ${cpus().length};\npid ${join(work, 'nginx.pid')};\nerror_log stderr warn;\ndaemon off;\nevents { worker_connections 4096; }\n` +
      `http { access_log off; sendfile on; tcp_nopush on; keepalive_requests 1000000; types { image/avif avif; image/webp webp; }\n` +
      `  client_body_temp_path ${work}/nb; proxy_temp_path ${work}/np; fastcgi_temp_path ${work}/nf; uwsgi_temp_path ${work}/nu; scgi_temp_path ${work}/ns;\n` +
      `  server { listen 127.0.0.1:${nginxPort}; root ${www}; location / { etag on; expires max; } } }\n`,
  );
  const nginx = spawn('nginx', ['-c', conf, '-p', work], { stdio: ['ignore', 'ignore', 'inherit'] });
  let nginxResult: LoadResult | undefined;
  let nginxWebp: LoadResult | undefined;
  try {
    await new Promise((r) => setTimeout(r, 500));
    nginxResult = await load('nginx static file (the same AVIF bytes)', `http://127.0.0.1:${nginxPort}/variant.avif`, {}, nginx.pid);
    nginxWebp = await load('nginx static file (the same WebP bytes)', `http://127.0.0.1:${nginxPort}/variant.webp`, {}, nginx.pid);
  } catch (err) {
    console.log(`nginx could not be measured (${(err as Error).message}); install it with apt-get install nginx-light`);
  } finally {
    nginx.kill('SIGTERM');
  }

  const imgsvcNegotiated = await load('imgsvc /i/<id>, Chrome phone headers (negotiated)', `${base}/i/${id}`, CHROME, imgsvc.process.pid);
  const imgsvcExplicit = await load('imgsvc /i/<id>?w=512&fmt=webp (explicit)', explicitUrl, {}, imgsvc.process.pid);
  await imgsvc.stop();

  // Analytics on and off, same service and data, alternating rounds (this machine's throughput
  // drifts by 10–30% between runs, so one pair of runs says little): medians of each.
  const rounds: Record<'on' | 'off', LoadResult[]> = { on: [], off: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const analytics of ['off', 'on'] as const) {
      const child = await startChild(process.execPath, [join(root, 'bin/imgsvc.js'), 'serve', '--role', 'all', '--port', String(port), '--data', join(work, 'data')], `${base}/readyz`, {
        IMGSVC_LOG_LEVEL: 'warn',
        IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
        IMGSVC_ANALYTICS: analytics,
      });
      await fetch(`${base}/i/${id}`, { headers: CHROME }).then((r) => r.arrayBuffer());
      rounds[analytics].push(await load(`imgsvc negotiated, analytics ${analytics}`, `${base}/i/${id}`, CHROME, child.process.pid));
      await child.stop();
    }
  }
  const median = (xs: LoadResult[], pick: (r: LoadResult) => number) => [...xs].map(pick).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rpsOn = median(rounds.on, (r) => r.requestsPerSecond);
  const rpsOff = median(rounds.off, (r) => r.requestsPerSecond);
  const cpuOn = median(rounds.on, (r) => r.serverCpuMsPerRequest ?? 0);
  const cpuOff = median(rounds.off, (r) => r.serverCpuMsPerRequest ?? 0);

  printResults([nginxResult, imgsvcNegotiated, nginxWebp, imgsvcExplicit, ...rounds.off, ...rounds.on].filter((r): r is LoadResult => r !== undefined));
  console.log(`\nanalytics on/off, medians of ${ROUNDS} alternating rounds: ${rpsOn.toFixed(0)} vs ${rpsOff.toFixed(0)} requests/s, ${(cpuOn * 1000).toFixed(1)} vs ${(cpuOff * 1000).toFixed(1)} µs of server CPU per request`);
  console.log(`cost of analytics on the hot path: ${((1 - rpsOn / rpsOff) * 100).toFixed(1)}% of throughput, ${(((cpuOn - cpuOff) / cpuOff) * 100).toFixed(1)}% of CPU per request (target under 5%)`);
  if (nginxResult && nginxWebp) {
    console.log('');
    console.log(`imgsvc negotiated / nginx, same bytes: ${(imgsvcNegotiated.requestsPerSecond / nginxResult.requestsPerSecond).toFixed(2)}x (target ≥ 0.5x)`);
    console.log(`imgsvc explicit / nginx, same bytes: ${(imgsvcExplicit.requestsPerSecond / nginxWebp.requestsPerSecond).toFixed(2)}x`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
