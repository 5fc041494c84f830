/**
 * `npm run bench:redis-footprint`: what one image and one view cost Redis, measured on a real
 * redis-server through the whole service (upload, resize to ready, views of `/i/<id>`):
 * commands per upload (upload + resize job + record updates), commands per view (the batched
 * analytics pipeline, each view of a different image, the worst case for folding), and
 * `used_memory` per image, without and with a day of analytics keys; memory by key kind over the
 * first BENCH_IMAGES (300) and the marginal figure from there to BENCH_IMAGES_2 (1,200), the
 * per-image figure capacity uses; then (unless BENCH_STORAGE=0), for the corpus photo mix,
 * objects and bytes stored per image. Feeds bench/figures.json.
 */
import { readFile } from 'node:fs/promises';
import { corpusFiles, corpusPath } from '../test/helpers/corpus.js';
import { jpegVariant } from '../test/helpers/jpeg-variant.js';
import { startTestService } from '../test/helpers/service.js';
import { Redis } from 'ioredis';
import { startRedisCluster } from '../test/helpers/redis-cluster.js';
import { footprintByKind, INDEX_KINDS, STREAM_KINDS, type KeyKind } from './lib/footprint-by-type.js';
import { COMPACT_ENCODINGS } from '../services/redis/compact-encodings.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 300);
// The marginal figure: after the first IMAGES, upload more up to BENCH_IMAGES_2 and divide the growth by the
// difference. At 300 images over 16 shards each stream holds ~19 images, so a stream's fixed costs (its struct,
// rax, consumer groups, node slack) weigh on the average; the marginal figure is what capacity depends on.
const IMAGES_2 = Number(process.env.BENCH_IMAGES_2 ?? IMAGES * 4);
// BENCH_CLUSTER=1: the same run on a real 3-primary Redis Cluster (test/helpers/redis-cluster.ts); figures summed over the primaries.
const cluster = process.env.BENCH_CLUSTER === '1' ? await startRedisCluster() : undefined;
const t = await startTestService(cluster ? { REDIS_URL: cluster.url } : {});
const nodes: Redis[] = cluster ? (await cluster.primaries()).map((n) => new Redis(n.port, '127.0.0.1')) : [t.redis.client];
// The service raises the listpack thresholds on the node it is connected to; a cluster needs them
// on every primary (its configuration, or the operator's job): applied here before any upload.
if (cluster) for (const node of nodes) for (const [name, value] of Object.entries(COMPACT_ENCODINGS)) await node.config('SET', name, value);
const sumOver = async (f: (r: Redis) => Promise<number>) => (await Promise.all(nodes.map(f))).reduce((a, b) => a + b, 0);
const footprint = async () => {
  const out = new Map<KeyKind, { keys: number; bytes: number }>();
  for (const node of nodes) {
    for (const [kind, row] of await footprintByKind(node)) {
      const sum = out.get(kind) ?? { keys: 0, bytes: 0 };
      out.set(kind, { keys: sum.keys + row.keys, bytes: sum.bytes + row.bytes });
    }
  }
  return out;
};
const auth = { authorization: `Bearer ${t.adminKey}` };

async function commands(): Promise<number> {
  return sumOver(async (node) => {
    const info = await node.info('commandstats');
    let calls = 0;
    for (const m of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) if (!['info', 'ping', 'memory', 'cluster', 'scan'].includes(m[1]!)) calls += Number(m[2]);
    return calls;
  });
}
async function usedMemory(): Promise<number> {
  return sumOver(async (node) => Number(/used_memory:(\d+)/.exec(await node.info('memory'))![1]));
}
async function waitReady(ids: string[]): Promise<void> {
  for (const id of ids) {
    for (;;) {
      const r = (await (await fetch(`${t.url}/v1/images/${id}`, { headers: auth })).json()) as { status: string };
      if (r.status !== 'processing') break;
      await new Promise((res) => setTimeout(res, 100));
    }
  }
}
async function storedObjects(): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let cursor: string | undefined;
  do {
    const page = await t.service.store.list('', { cursor, limit: 1000 });
    for (const key of page.keys) out.set(key, (await t.service.store.head(key))?.size ?? 0);
    cursor = page.cursor;
  } while (cursor);
  return out;
}
/** Commands per 1.5 s the idle service issues on its own (consumers polling every shard, checks). */
let idleRate = 0;
const settle = async () => {
  // Background loops (repair sweep, supervision, analytics flush, stream polls) issue commands too: wait for a quiet second.
  let last = await commands();
  for (let rounds = 0; ; rounds++) {
    await new Promise((r) => setTimeout(r, 1500));
    const now = await commands();
    if (now - last < 20 + idleRate * 1.5 || rounds > 40) return now;
    last = now;
  }
};

let baseByKind: Map<KeyKind, { keys: number; bytes: number }> = new Map();
/** Bytes per image by key kind, over what was there before the uploads. */
function printByKind(label: string, now: Map<KeyKind, { keys: number; bytes: number }>, base: Map<KeyKind, { keys: number; bytes: number }>, images = IMAGES): void {
  console.log(`\nRedis memory per image by key kind, ${label} (MEMORY USAGE, over ${images} images):`);
  let index = 0;
  let streams = 0;
  let records = 0;
  for (const [kind, row] of [...now].sort((a, b) => b[1].bytes - a[1].bytes)) {
    const per = (row.bytes - (base.get(kind)?.bytes ?? 0)) / images;
    if (INDEX_KINDS.includes(kind)) index += per;
    if (STREAM_KINDS.includes(kind)) streams += per;
    if (kind === 'record') records += per;
    console.log(`  ${kind.padEnd(20)} ${Math.round(per).toString().padStart(6)} B  (${row.keys} keys)`);
  }
  console.log(`  index (record, listings, dedup and references, stream entries): ${Math.round(index)} B per image`);
  console.log(`  index without the stream entries (trimmed after their retention): ${Math.round(index - streams)} B per image`);
  console.log(`  index without the stream entries and the record (what stays once cold): ${Math.round(index - streams - records)} B per image`);
}
async function coldSweepNow(): Promise<number | undefined> {
  const sweep = (t.service as { coldSweep?: (days: number) => Promise<{ evicted: number }> }).coldSweep;
  if (!sweep) return undefined;
  return (await sweep(0)).evicted;
}

async function storagePerImage(): Promise<void> {
  // Storage per image for the corpus photo mix (the mix bench:resize measured): originals, the
  // eager variants and the manifest, as objects and bytes written. BENCH_STORAGE=0 skips it.
  const before = await storedObjects();
  const photos = corpusFiles('photos');
  let originalBytes = 0;
  const photoIds: string[] = [];
  for (const f of photos) {
    const bytes = await readFile(corpusPath(f));
    originalBytes += bytes.length;
    const res = await fetch(`${t.url}/v1/images`, { method: 'POST', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: bytes });
    photoIds.push(((await res.json()) as { id: string }).id);
  }
  await waitReady(photoIds);
  const after = await storedObjects();
  const added = [...after].filter(([k]) => !before.has(k));
  const sum = (prefix: string) => added.filter(([k]) => k.startsWith(prefix)).reduce((s, [, n]) => s + n, 0);
  const n = photos.length;
  console.log(`\nstorage over the ${n} corpus photos (${(originalBytes / n / 1e6).toFixed(2)} MB average original):`);
  console.log(`objects written per image: ${(added.length / n).toFixed(1)} (${(added.filter(([k]) => k.startsWith("variants/")).length / n).toFixed(1)} variants)`);
  console.log(`bytes per image: originals ${Math.round(sum('originals/') / n)}, variants ${Math.round(sum('variants/') / n)}, manifests ${Math.round(sum('manifests/') / n)}`);
}

try {
  const photo = await readFile(corpusPath('orientation/has-lens-info.jpg'));
  await new Promise((r) => setTimeout(r, 3000));
  const idleStart = await commands();
  await new Promise((r) => setTimeout(r, 3000));
  idleRate = ((await commands()) - idleStart) / 2;
  await settle();
  baseByKind = await footprint();
  const memBefore = await usedMemory();
  const cmdBefore = await commands();
  const upload = async (from: number, to: number): Promise<string[]> => {
    const out: string[] = [];
    for (let i = from; i < to; i++) {
      // BENCH_NO_META=1: no title and tags (on a cluster the search entries still ride the pivot's MULTI across slots: h-search's part).
      const query = process.env.BENCH_NO_META === '1' ? '' : `?tags=bench,footprint&title=${encodeURIComponent(`Image ${i}`)}`;
      const res = await fetch(`${t.url}/v1/images${query}`, { method: 'POST', headers: { ...auth, 'content-type': 'image/jpeg' }, body: jpegVariant(photo, `footprint ${i}`) });
      const body = (await res.json()) as { id: string };
      if (res.status !== 201) throw new Error(`upload ${i} answered ${res.status}: ${JSON.stringify(body)}`);
      out.push(body.id);
    }
    await waitReady(out);
    return out;
  };
  const ids = await upload(0, IMAGES);
  const cmdAfterUploads = await settle();
  const memAfterUploads = await usedMemory();
  const hot = await footprint();
  // The status polls above are GETs of records: subtract them (one HGETALL-like read each) by measuring a poll round alone.
  const pollStart = await commands();
  for (const id of ids) await fetch(`${t.url}/v1/images/${id}`, { headers: auth });
  const pollCost = (await commands()) - pollStart;
  for (const id of ids) await (await fetch(`${t.url}/i/${id}`, { headers: { accept: 'image/avif,image/webp,*/*', 'user-agent': 'Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile' } })).arrayBuffer();
  const cmdAfterViews = await settle();
  const memAfterViews = await usedMemory();
  // The base of the marginal figure: after the views, so the first images' reads are in both measures.
  const hotViewed = await footprint();

  const uploadCommands = (cmdAfterUploads - cmdBefore - pollCost) / IMAGES;
  const viewCommands = (cmdAfterViews - cmdAfterUploads - pollCost) / IMAGES;
  console.log(`redis footprint${cluster ? ' on a 3-primary Redis Cluster' : ''} over ${IMAGES} images (${photo.length}-byte JPEG, each distinct), one view each`);
  console.log(`commands per upload (upload, job, resize, record updates): ${uploadCommands.toFixed(1)}`);
  console.log(`commands per view (analytics pipeline, views of distinct images, plus serving reads): ${viewCommands.toFixed(1)}`);
  console.log(`used_memory per image (record, indexes, stream entry): ${Math.round((memAfterUploads - memBefore) / IMAGES)} bytes`);
  console.log(`used_memory per image after one view (plus analytics keys): ${Math.round((memAfterViews - memBefore) / IMAGES)} bytes`);
  printByKind('hot (just uploaded and made ready)', hot, baseByKind);
  if (IMAGES_2 > IMAGES) {
    // The marginal cost: (M2 - M1) / (N2 - N1) by kind, the per-image figure once each stream's fixed costs are paid.
    await upload(IMAGES, IMAGES_2);
    await settle();
    const hot2 = await footprint();
    printByKind(`hot, marginal from ${IMAGES} to ${IMAGES_2} images (the per-image figure)`, hot2, hotViewed, IMAGES_2 - IMAGES);
    printByKind(`hot, average over all ${IMAGES_2} images`, hot2, baseByKind, IMAGES_2);
  }
  if (process.env.BENCH_COLD !== '0') {
    // An image not read or changed for IMGSVC_RECORD_COLD_DAYS: its record leaves Redis (the cold sweep, run now with 0 days).
    const evicted = await coldSweepNow();
    if (evicted !== undefined) printByKind(`cold (${evicted} records evicted; dedup and listing entries stay)`, await footprint(), baseByKind, Math.max(IMAGES, IMAGES_2));
  }

  if (process.env.BENCH_STORAGE !== '0') await storagePerImage();
} finally {
  if (cluster) for (const node of nodes) node.disconnect();
  await t.stop();
  await cluster?.stop();
}
