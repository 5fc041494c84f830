/**
 * The access-control costs (issue 11), run by bench:hot-path with BENCH_ACCESS=1: a public and a
 * signed private hit from memory on this build, and the same public hit on the last commit
 * before accounts (BENCH_BASELINE_REF, built in a worktree), alternated, medians.
 */
import { join } from 'node:path';
import { findFreePort } from '../../services/redis/free-port.js';
import { startChild, type Child } from './child.js';
import { buildBaseline, removeBaseline } from './baseline.js';
import type { LoadResult } from './load.js';

const BASELINE_REF = process.env.BENCH_BASELINE_REF ?? 'd6e7858';

export interface AccessRoundsOptions {
  root: string;
  work: string;
  base: string;
  imgsvc: Child;
  photo: Buffer;
  uploadAs(visibility: string, body: Buffer): Promise<string>;
  id: string;
  auth: Record<string, string>;
  headers: Record<string, string>;
  rounds: number;
  load(label: string, url: string, pid: number | undefined): Promise<LoadResult>;
}

export async function accessRounds(o: AccessRoundsOptions): Promise<void> {
  // The same picture as a private image (a comment segment changes the hash, not the pixels).
  const privateId = await o.uploadAs('private', Buffer.concat([o.photo.subarray(0, 2), Buffer.from([0xff, 0xfe, 0, 9]), Buffer.from('private'), o.photo.subarray(2)]));
  const minted = await fetch(`${o.base}/v1/images/${privateId}/signed-urls`, { method: 'POST', headers: { 'content-type': 'application/json', ...o.auth }, body: JSON.stringify({ ttlSeconds: 3600 }) });
  const signedUrl = ((await minted.json()) as { urls: { default: string } }).urls.default.replace(/^https?:\/\/[^/]+/, o.base);
  const access: Record<'baseline' | 'public' | 'signed', LoadResult[]> = { baseline: [], public: [], signed: [] };
  const baselineDir = join(o.work, 'baseline');
  let baseline: Child | undefined;
  try {
    const bin = buildBaseline(o.root, BASELINE_REF, baselineDir);
    const basePort = await findFreePort();
    baseline = await startChild(process.execPath, [bin, 'serve', '--role', 'all', '--port', String(basePort), '--data', join(o.work, 'baseline-data')], `http://127.0.0.1:${basePort}/readyz`, {
      IMGSVC_LOG_LEVEL: 'warn',
      IMGSVC_REPAIR_INTERVAL_SECONDS: '0',
    });
    const before = `http://127.0.0.1:${basePort}`;
    const { id: baseId } = (await (await fetch(`${before}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: o.photo })).json()) as { id: string };
    while (((await (await fetch(`${before}/v1/images/${baseId}`)).json()) as { status: string }).status === 'processing') await new Promise((r) => setTimeout(r, 100));
    await fetch(`${before}/i/${baseId}`, { headers: o.headers }).then((r) => r.arrayBuffer());
    await fetch(signedUrl, { headers: o.headers }).then((r) => r.arrayBuffer());
    for (let round = 0; round < o.rounds; round++) {
      access.baseline.push(await o.load(`baseline ${BASELINE_REF} public hit`, `${before}/i/${baseId}`, baseline.process.pid));
      access.public.push(await o.load('imgsvc public hit', `${o.base}/i/${o.id}`, o.imgsvc.process.pid));
      access.signed.push(await o.load('imgsvc signed private hit', signedUrl, o.imgsvc.process.pid));
    }
  } catch (err) {
    console.log(`the baseline ${BASELINE_REF} could not be measured (${(err as Error).message})`);
    return;
  } finally {
    await baseline?.stop();
    removeBaseline(o.root, baselineDir);
  }
  const median = (xs: LoadResult[], pick: (r: LoadResult) => number) => [...xs].map(pick).sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rps = (xs: LoadResult[]) => median(xs, (r) => r.requestsPerSecond);
  const cpu = (xs: LoadResult[]) => median(xs, (r) => r.serverCpuMsPerRequest ?? 0) * 1000;
  console.log(`\naccess, medians of ${o.rounds} alternating rounds (requests/s, µs of server CPU per request):`);
  console.log(`  baseline ${BASELINE_REF} public hit: ${rps(access.baseline).toFixed(0)} req/s, ${cpu(access.baseline).toFixed(1)} µs`);
  console.log(`  public hit:                 ${rps(access.public).toFixed(0)} req/s, ${cpu(access.public).toFixed(1)} µs → ${(rps(access.public) / rps(access.baseline)).toFixed(3)}x the baseline (target ≥ 0.97x)`);
  console.log(`  signed private hit:         ${rps(access.signed).toFixed(0)} req/s, ${cpu(access.signed).toFixed(1)} µs → ${(rps(access.signed) / rps(access.public)).toFixed(3)}x the public hit (target ≥ 0.90x)`);
}
