/**
 * bench:hot-path — one cached variant (~20 KB) requested over and over at 64 connections, from
 * imgsvc (negotiation, analytics and metrics included) and from nginx serving the same bytes
 * as a static file, in the same run. Uses wrk when installed (apt-get install wrk), else
 * autocannon. Prints requests/s, p50/p99 and the ratio to nginx.
 *
 * Access: a public hit and a signed private hit from memory, next to the same public hit on
 * the commit before accounts (BENCH_BASELINE_REF, built in a worktree), alternated over
 * BENCH_ROUNDS rounds, medians printed with their ratios.
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
import { buildBaseline, removeBaseline } from './lib/baseline.js';

/** The last commit before accounts and access control: "today's figure" for the access costs. */
const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? 'd6e7858';

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
  // The same picture as a private image (a comment segment changes the hash, not the pixels).
  const privateId = await uploadAs('private', Buffer.concat([photo.subarray(0, 2), Buffer.from([0xff, 0xfe, 0, 9]), Buffer.from('private'), photo.subarray(2)]));
  const minted = await fetch(`${base}/v1/images/${privateId}/signed-urls`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ ttlSeconds: 3600 }) });
  const signedUrl = ((await minted.json()) as { urls: { default: string } }).urls.default;
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

  // Access costs: today's public hit (baseline commit) against this one's public and signed private hits.
  const access: Record<'baseline' | 'public' | 'signed', LoadResult[]> = { baseline: [], public: [], signed: [] };
  const baselineDir = join(work, 'baseline');
  let baseline: Awaited<ReturnType<typeof startChild>> | undefined;
  try {
    const bin = buildBaseline(root, BASELINE_REF, baselineDir);
    const basePort = await findFreePort();
    baseline = await startChild(process.execPath, [bin, 'serve', '--role', 'all', '--port', String(basePort), '--data', join(work, 'baseline-data')], `http://127.0.0.1:${basePort}/readyz`, {
      IMGSVC_LOG_LEVEL: 'warn',
      IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
    });
    const before = `http://127.0.0.1:${basePort}`;
    const { id: baseId } = (await (await fetch(`${before}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: photo })).json()) as { id: string };
    while (((await (await fetch(`${before}/v1/images/${baseId}`)).json()) as { status: string }).status === 'processing') await new Promise((r) => setTimeout(r, 100));
    await fetch(`${before}/i/${baseId}`, { headers: CHROME }).then((r) => r.arrayBuffer());
    await fetch(signedUrl, { headers: CHROME }).then((r) => r.arrayBuffer());
    for (let round = 0; round < ROUNDS; round++) {
      access.baseline.push(await load(`baseline ${BASELINE_REF} public hit, round ${round + 1}`, `${before}/i/${baseId}`, CHROME, baseline.process.pid));
      access.public.push(await load(`imgsvc public hit, round ${round + 1}`, `${base}/i/${id}`, CHROME, imgsvc.process.pid));
      access.signed.push(await load(`imgsvc signed private hit, round ${round + 1}`, signedUrl.replace(/^https?:\/\/[^/]+/, base), CHROME, imgsvc.process.pid));
    }
  } catch (err) {
    console.log(`the baseline ${BASELINE_REF} could not be measured (${(err as Error).message})`);
  } finally {
    await baseline?.stop();
    removeBaseline(root, baselineDir);
  }
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

  printResults([nginxResult, imgsvcNegotiated, nginxWebp, imgsvcExplicit, ...access.baseline, ...access.public, ...access.signed, ...rounds.off, ...rounds.on].filter((r): r is LoadResult => r !== undefined));
  if (access.baseline.length > 0) {
    const rps = (xs: LoadResult[]) => median(xs, (r) => r.requestsPerSecond);
    const cpu = (xs: LoadResult[]) => median(xs, (r) => r.serverCpuMsPerRequest ?? 0) * 1000;
    console.log(`\naccess, medians of ${ROUNDS} alternating rounds (requests/s, µs of server CPU per request):`);
    console.log(`  baseline ${BASELINE_REF} public hit: ${rps(access.baseline).toFixed(0)} req/s, ${cpu(access.baseline).toFixed(1)} µs`);
    console.log(`  public hit:                 ${rps(access.public).toFixed(0)} req/s, ${cpu(access.public).toFixed(1)} µs → ${(rps(access.public) / rps(access.baseline)).toFixed(3)}x the baseline (target ≥ 0.97x)`);
    console.log(`  signed private hit:         ${rps(access.signed).toFixed(0)} req/s, ${cpu(access.signed).toFixed(1)} µs → ${(rps(access.signed) / rps(access.public)).toFixed(3)}x the public hit (target ≥ 0.90x)`);
  }
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
