/**
 * `npm run bench:search`: the search index at scale, on a private redis-server of its own.
 * Generates BENCH_IMAGES (200,000) images whose titles, descriptions and tags are drawn from a
 * real English word list with a Zipf-like skew (a few words common, most rare), written
 * straight to Redis in pipelines with the same functions the service uses (recordToHash,
 * listingKeys, searchIndexOps; its adds grouped per key for the batch). Prints Redis memory per image for the records
 * and for the search index alone, then p50/p99 of SearchIndex.search (the route's code, with
 * the real access guard re-checking every candidate) for one-term, three-term and prefix
 * queries, for a caller who may see everything and one who may see a small fraction.
 * Bounded in time: each measurement stops at BENCH_QUERIES queries or BENCH_SECONDS seconds.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import words from 'an-array-of-english-words' with { type: 'json' };
import { Redis } from 'ioredis';
import { monotonicFactory } from 'ulid';
import { ImageGuard } from '../services/access/image-guard.js';
import type { Principal } from '../services/accounts/principal.js';
import { ViewerGrants } from '../services/accounts/viewer-grants.js';
import { ImageIndex, listingKeys } from '../services/images/image-index.js';
import { recordToHash, type ImageRecord } from '../services/images/image-record.js';
import { startPrivateRedis } from '../services/redis/private-redis.js';
import { redisKeys } from '../services/redis/keys.js';
import { searchIndexOps } from '../services/search/index-ops.js';
import { parseQuery } from '../services/search/parse-query.js';
import { SearchIndex } from '../services/search/search-index.js';
import { FsObjectStore } from '../services/storage/fs-store.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 200_000);
const OWNERS = Number(process.env.BENCH_OWNERS ?? 2_000);
const PUBLIC_FRACTION = Number(process.env.BENCH_PUBLIC_FRACTION ?? 0.02);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const VOCABULARY = 30_000;
const BATCH = 1_000;

// A seeded generator, so every run indexes the same images.
let seed = 0x5eed;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
const all = words as string[];
const pool = Array.from({ length: VOCABULARY }, () => all[Math.floor(random() * all.length)]!);
const tagPool = pool.slice(0, 500);
// Zipf(1) over the pool by inverse CDF on a harmonic approximation: rank ≈ N^u.
const zipf = (list: string[]) => list[Math.min(list.length - 1, Math.floor(Math.pow(list.length, random())) - 1)]!;
const phrase = (min: number, max: number) => Array.from({ length: min + Math.floor(random() * (max - min + 1)) }, () => zipf(pool)).join(' ');

const owners = Array.from({ length: OWNERS }, (_, i) => `01OWNER${String(i).padStart(19, '0')}`.slice(0, 26).replace(/[ILOU]/g, '0'));
const nextId = monotonicFactory();
const start = Date.parse('2026-01-01T00:00:00Z');

function imageAt(i: number): ImageRecord {
  const at = new Date(start + i * 1000).toISOString();
  return {
    id: nextId(start + i * 1000),
    ownerId: owners[i % OWNERS]!,
    visibility: random() < PUBLIC_FRACTION ? 'public' : 'private',
    sha256: i.toString(16).padStart(64, '0'),
    format: 'jpeg',
    width: 4000,
    height: 3000,
    bytes: 2_000_000,
    orientation: 1,
    hasAlpha: false,
    frames: 1,
    status: 'ready',
    createdAt: at,
    updatedAt: at,
    variants: [],
    meta: { title: phrase(2, 6), description: phrase(8, 24), tags: [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => zipf(tagPool)))] },
    revision: 1,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'imgsvc-bench-search-'));
const server = await startPrivateRedis(dir, { persist: false });
const redis = new Redis(server.url);
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  console.log(`bench:search: ${IMAGES.toLocaleString('en')} images of ${OWNERS.toLocaleString('en')} owners, ${(PUBLIC_FRACTION * 100).toFixed(0)}% public, words from an-array-of-english-words (${VOCABULARY.toLocaleString('en')} drawn, Zipf-skewed)`);
  const images: ImageRecord[] = [];
  for (let i = 0; i < IMAGES; i++) images.push(imageAt(i));
  const base = await usedMemory();

  let t0 = performance.now();
  for (let i = 0; i < IMAGES; i += BATCH) {
    const p = redis.pipeline();
    for (const r of images.slice(i, i + BATCH)) {
      p.hset(redisKeys.image(r.id), recordToHash(r)).zadd(redisKeys.allImages, 0, r.id);
      for (const k of listingKeys(r)) p.zadd(k, 0, r.id);
    }
    await p.exec();
  }
  const records = (await usedMemory()) - base;
  console.log(`records and listings: ${mb(records)}, ${Math.round(records / IMAGES)} B per image (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  t0 = performance.now();
  let entries = 0;
  for (let i = 0; i < IMAGES; i += BATCH) {
    // The very changes the record's MULTI would queue, one ZADD per key for the whole batch.
    const byKey = new Map<string, string[]>();
    const push = (key: string, member: string) => (byKey.get(key) ?? byKey.set(key, []).get(key)!).push('0', member);
    for (const r of images.slice(i, i + BATCH)) {
      const ops = searchIndexOps(undefined, r);
      entries += ops.add.length;
      for (const [key, id] of ops.add) push(key, id);
      for (const [vocab, token] of ops.vocabAdd) push(vocab, token);
    }
    const p = redis.pipeline();
    for (const [key, args] of byKey) p.zadd(key, ...args);
    await p.exec();
  }
  const indexSeconds = (performance.now() - t0) / 1000;
  const search = (await usedMemory()) - base - records;
  const keys = await redis.dbsize();
  console.log(
    `search index: ${mb(search)}, ${Math.round(search / IMAGES)} B per image, ${(entries / IMAGES).toFixed(1)} entries per image, ${Math.round(search / entries)} B per entry; ` +
      `${keys.toLocaleString('en')} keys in all; indexed at ${Math.round(IMAGES / indexSeconds).toLocaleString('en')} images/s pipelined`,
  );

  // The callers: one granted by every owner (sees everything), one owner granted by 3 others (their own, 3 owners' and the public images).
  const everyone = 'EVERYONE000000000000000000';
  const few = owners[0]!;
  const grantPipe = redis.pipeline();
  for (const o of owners) grantPipe.sadd(redisKeys.viewers(o), everyone).sadd(redisKeys.viewing(everyone), o);
  for (const o of owners.slice(1, 4)) grantPipe.sadd(redisKeys.viewers(o), few).sadd(redisKeys.viewing(few), o);
  await grantPipe.exec();
  const seen = (userId: string) => {
    if (userId === everyone) return IMAGES;
    const granting = new Set([few, ...owners.slice(1, 4)]);
    return images.filter((r) => r.visibility === 'public' || granting.has(r.ownerId)).length;
  };
  const user = (userId: string): Principal => ({ kind: 'user', userId, role: 'user', keyId: 'bench', scopes: ['images:read'] });
  const store = await FsObjectStore.open(join(dir, 'store'));
  const grants = new ViewerGrants(redis, store, undefined);
  const index = new ImageIndex(redis);
  const searcher = new SearchIndex(redis, index, new ImageGuard((id) => index.get(id), grants), grants);

  const sample = () => images[Math.floor(random() * IMAGES)]!;
  const wordsOf = (r: ImageRecord) => `${r.meta.title} ${r.meta.description}`.split(' ');
  const kinds: Record<string, () => string> = {
    // A word as people search: drawn with the same skew as the text, completed (trailing space).
    'one term': () => `${zipf(pool)} `,
    // Three words of one image's text, so the intersection is not always empty.
    'three terms': () => {
      const w = wordsOf(sample());
      return `${w[Math.floor(random() * w.length)]} ${w[Math.floor(random() * w.length)]} ${w[Math.floor(random() * w.length)]} `;
    },
    // Search as you type: the first three letters of a word.
    prefix: () => zipf(pool).slice(0, 3),
  };
  const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
  for (const [label, caller] of [['sees everything', everyone], ['sees a small fraction', few]] as const) {
    console.log(`caller who ${label}: ${seen(caller).toLocaleString('en')} images (${((seen(caller) / IMAGES) * 100).toFixed(1)}%)`);
    for (const [kind, make] of Object.entries(kinds)) {
      const times: number[] = [];
      let hits = 0;
      const deadline = performance.now() + SECONDS * 1000;
      while (times.length < QUERIES && performance.now() < deadline) {
        const terms = parseQuery(make());
        const t = performance.now();
        const page = await searcher.search(user(caller), { terms, limit: 20 });
        times.push(performance.now() - t);
        hits += page.items.length;
      }
      times.sort((a, b) => a - b);
      console.log(`  ${kind.padEnd(12)} p50 ${pct(times, 0.5).toFixed(2)} ms  p99 ${pct(times, 0.99).toFixed(2)} ms  (${times.length} queries, ${(hits / times.length).toFixed(1)} results per page of 20)`);
    }
  }
} finally {
  redis.disconnect();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
