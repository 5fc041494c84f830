/**
 * `npm run bench:search`: the sharded search index at scale, on a private redis-server of its own.
 * For each size in BENCH_SIZES (200,000 and 1,000,000 images of 2,000 owners, 2% public), images
 * whose titles, descriptions and tags are drawn from a real English word list with a Zipf-like
 * skew are written as records (for the re-check every query does) and indexed: the index is
 * built per shard in memory (search/bulk-load.ts, the same layout the scripts leave) and loaded
 * with one pipeline per shard, i.e. per slot. Before that, BENCH_LIVE images go through the
 * scripts the service runs on every upload, to measure the index as it grows live.
 * Prints Redis memory per image for the search index (INFO memory, and MEMORY USAGE by key kind
 * over one shard), then p50/p99 of SearchIndex.search (the route's code, with the real access
 * guard re-checking every candidate) for one-term, three-term and prefix queries, for a caller
 * who sees everything (granted by every owner) and one who sees about 2%, next to the figures
 * of the index this one replaced. Bounded in time: each measurement stops at BENCH_QUERIES
 * queries or BENCH_SECONDS seconds, after BENCH_WARMUP uncounted queries of its kind and a full
 * collection of the bulk load's garbage (the npm script passes --expose-gc). Timings are indicative on a shared, loaded machine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import words from 'an-array-of-english-words' with { type: 'json' };
import { Redis } from 'ioredis';
import { ImageGuard } from '../services/access/image-guard.js';
import type { Principal } from '../services/accounts/principal.js';
import { ViewerGrants } from '../services/accounts/viewer-grants.js';
import { newImageIdInShard } from '../services/core/shards.js';
import { ImageIndex } from '../services/images/image-index.js';
import type { ImageRecord } from '../services/images/image-record.js';
import { recordToHash } from '../services/images/record-hash.js';
import { startPrivateRedis } from '../services/redis/private-redis.js';
import { redisKeys } from '../services/redis/keys.js';
import { buildShardIndex, queueShardIndex } from '../services/search/bulk-load.js';
import { APPLY_DOC, applySearchOps, searchIndexOps, searchTerms } from '../services/search/index-ops.js';
import { parseQuery } from '../services/search/parse-query.js';
import { SearchIndex } from '../services/search/search-index.js';
import { setShardCount } from '../services/redis/keys.js';
import { FsObjectStore } from '../services/storage/fs-store.js';
import { collect } from './lib/cpu-sampling.js';

const SIZES = (process.env.BENCH_SIZES ?? '200000,1000000').split(',').map(Number);
const OWNERS = Number(process.env.BENCH_OWNERS ?? 2_000);
const SHARDS = Number(process.env.BENCH_SHARDS ?? 16);
const PUBLIC_FRACTION = Number(process.env.BENCH_PUBLIC_FRACTION ?? 0.02);
const LIVE = Number(process.env.BENCH_LIVE ?? 20_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** Queries of each kind run before measuring, uncounted: a running service has compiled its code paths. */
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const VOCABULARY = 30_000;

/**
 * The index this one replaced (one sorted set of ULIDs per token and visibility scope, one
 * ZINTERSTORE per granting owner), measured by the previous bench:search on this machine
 * (commit 7c72ab6, 200,000 images, under the same kind of load), and as the issue reported
 * it on a quiet machine.
 */
const TODAY = {
  bytesPerImage: 3_756,
  everything: { 'one term': 2_167, 'three terms': 1_523, prefix: 6_527 },
  fraction: { 'one term': 251, 'three terms': 13.2, prefix: 163 },
  quiet: 'the issue, quiet machine: everything one term p99 319 ms at 200k, 1,086 ms at 400k (prefix 1,292 ms); 2% under 20 ms',
};

// Seeded generators, so every run indexes the same texts.
const generator = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
  return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
};
let random = generator(0x5eed);
const all = words as string[];
const pool = Array.from({ length: VOCABULARY }, () => all[Math.floor(random() * all.length)]!);
const tagPool = pool.slice(0, 500);
// Zipf(1) over the pool by inverse CDF on a harmonic approximation: rank ≈ N^u.
const zipf = (list: string[], r: () => number) => list[Math.min(list.length - 1, Math.floor(Math.pow(list.length, r())) - 1)]!;
const phrase = (min: number, max: number, r: () => number) => Array.from({ length: min + Math.floor(r() * (max - min + 1)) }, () => zipf(pool, r)).join(' ');

const owners = Array.from({ length: OWNERS }, (_, i) => `01OWNER${String(i).padStart(19, '0')}`.slice(0, 26).replace(/[ILOU]/g, '0'));
const start = Date.parse('2026-01-01T00:00:00Z');

/** Image i, the same on every call (its own generator), in shard i % SHARDS. */
function imageAt(i: number, id = newImageIdInShard(i % SHARDS, SHARDS, start + i * 1000)): ImageRecord {
  const r = generator(i * 7919 + 1);
  const at = new Date(start + i * 1000).toISOString();
  return {
    id,
    ownerId: owners[i % OWNERS]!,
    visibility: r() < PUBLIC_FRACTION ? 'public' : 'private',
    sha256: i.toString(16).padStart(64, '0'),
    format: 'jpeg', width: 4000, height: 3000, bytes: 2_000_000, orientation: 1, hasAlpha: false, frames: 1, status: 'ready',
    createdAt: at, updatedAt: at, variants: [],
    meta: { title: phrase(2, 6, r), description: phrase(8, 24, r), tags: [...new Set(Array.from({ length: 1 + Math.floor(r() * 4) }, () => zipf(tagPool, r)))] },
    revision: 1,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'imgsvc-bench-search-'));
const server = await startPrivateRedis(dir, { persist: false });
const redis = new Redis(server.url);
setShardCount(SHARDS);
// As SearchIndex does for the service's client: the record's steps then send EVALSHA.
redis.defineCommand('imgsvcSearchApply', { lua: APPLY_DOC });
const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const n = (x: number) => x.toLocaleString('en');
/** CPU time of the redis-server process (ms): its share of a query, whether or not it waited for a core. */
const redisCpu = async () => {
  const info = await redis.info('cpu');
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)![1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)![1])) * 1000;
};
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

/** Memory of one shard's search keys by kind (MEMORY USAGE of each), times the shard count. */
async function memoryByKind(): Promise<Record<string, number>> {
  const kinds: Record<string, number> = {};
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'imgsvc:search:{s0}:*', 'COUNT', 1000);
    cursor = next;
    const p = redis.pipeline();
    for (const k of keys) p.memory('USAGE', k, 'SAMPLES', '0');
    const sizes = (await p.exec()) ?? [];
    keys.forEach((k, i) => {
      const kind = k.slice('imgsvc:search:{s0}:'.length).replace(/^(t:#|t:|ix:|v:|o:).*$/, '$1').replace(/:$/, '');
      const name = { 't:#': 'tag postings', t: 'token postings', ix: 'id → doc map', v: 'vocabulary', o: 'owner postings', docs: 'doc records', pub: 'public postings', vb: 'vocabulary buckets', st: 'state', late: 'late' }[kind] ?? kind;
      kinds[name] = (kinds[name] ?? 0) + Number(sizes[i]?.[1] ?? 0) * SHARDS;
    });
  } while (cursor !== '0');
  return kinds;
}

try {
  console.log(`bench:search: ${n(OWNERS)} owners, ${(PUBLIC_FRACTION * 100).toFixed(0)}% public, ${SHARDS} shards, words from an-array-of-english-words (${n(VOCABULARY)} drawn, Zipf-skewed)`);
  console.log('NOTE: this machine (2 cores) was shared with other helpers running builds and tests while this ran: timings are indicative only.');
  console.log(`today's index (${TODAY.bytesPerImage} B per image at 200k; ${TODAY.quiet})`);

  // The live path: the scripts every upload runs, pipelined per shard, in id order.
  {
    const before = await usedMemory();
    const t0 = performance.now();
    for (let s = 0; s < SHARDS; s++) {
      const p = redis.pipeline();
      for (let i = s; i < LIVE; i += SHARDS) applySearchOps(p, searchIndexOps(undefined, imageAt(i)));
      await p.exec();
    }
    const seconds = (performance.now() - t0) / 1000;
    const bytes = (await usedMemory()) - before;
    console.log(`live path (the upload's script, ${n(LIVE)} images): ${Math.round(bytes / LIVE)} B per image, ${n(Math.round(LIVE / seconds))} images/s`);
    await redis.flushall();
  }

  for (const IMAGES of SIZES) {
    await redis.flushall();
    const sizeStart = performance.now();
    let recordBytes = 0;
    let searchBytes = 0;
    let entries = 0;
    let loadSeconds = 0;
    for (let s = 0; s < SHARDS; s++) {
      const facts: ImageRecord[] = [];
      for (let i = s; i < IMAGES; i += SHARDS) facts.push(imageAt(i));
      let m0 = await usedMemory();
      for (let i = 0; i < facts.length; i += 2_000) {
        const p = redis.pipeline();
        for (const r of facts.slice(i, i + 2_000)) p.hset(redisKeys.image(r.id), recordToHash(r));
        await p.exec();
      }
      let m1 = await usedMemory();
      recordBytes += m1 - m0;
      const t0 = performance.now();
      const writes = buildShardIndex(s, facts);
      for (const r of facts) entries += searchTerms(r).length;
      m0 = await usedMemory();
      const p = redis.pipeline();
      queueShardIndex(p, writes);
      await p.exec();
      m1 = await usedMemory();
      loadSeconds += (performance.now() - t0) / 1000;
      searchBytes += m1 - m0;
    }
    console.log(`\n${n(IMAGES)} images (loaded in ${((performance.now() - sizeStart) / 1000).toFixed(0)} s): records ${Math.round(recordBytes / IMAGES)} B per image (for the re-check)`);
    console.log(
      `search index: ${mb(searchBytes)}, ${Math.round(searchBytes / IMAGES)} B per image (INFO memory; today ${n(TODAY.bytesPerImage)} B), ${(entries / IMAGES).toFixed(1)} terms per image, ` +
        `${(searchBytes / entries).toFixed(1)} B per term; built and loaded at ${n(Math.round(IMAGES / loadSeconds))} images/s (one pipeline per shard)`,
    );
    const kinds = await memoryByKind();
    const total = Object.values(kinds).reduce((a, b) => a + b, 0);
    console.log(`  by kind (MEMORY USAGE over shard 0 × ${SHARDS}, ${Math.round(total / IMAGES)} B per image): ${Object.entries(kinds).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / IMAGES).toFixed(0)}`).join(', ')}`);

    // The callers: one granted by every owner (sees everything), one owner granted by 3 others (their own, 3 owners' and the public images).
    const everyone = 'EVERYONE000000000000000000';
    const few = owners[0]!;
    const grantPipe = redis.pipeline();
    for (const o of owners) grantPipe.sadd(redisKeys.viewers(o), everyone).sadd(redisKeys.viewing(everyone), o);
    for (const o of owners.slice(1, 4)) grantPipe.sadd(redisKeys.viewers(o), few).sadd(redisKeys.viewing(few), o);
    await grantPipe.exec();
    const fewShare = PUBLIC_FRACTION + 4 / OWNERS;
    const user = (userId: string): Principal => ({ kind: 'user', userId, role: 'user', keyId: 'bench', scopes: ['images:read'] });
    const store = await FsObjectStore.open(join(dir, 'store'));
    const grants = new ViewerGrants(redis, store, undefined);
    const index = new ImageIndex(redis);
    const searcher = new SearchIndex(redis, index, new ImageGuard((id) => index.get(id), grants), grants);
    // What each query did, for the tail: rounds over the shards, records read for the re-check.
    const work = { rounds: 0, records: 0 };
    const probe = searcher as unknown as { queryShards: (...a: unknown[]) => Promise<unknown> };
    const queryShards = probe.queryShards.bind(searcher);
    probe.queryShards = (...a) => ((work.rounds++), queryShards(...a));
    const getMany = index.getMany.bind(index);
    index.getMany = (ids, o) => ((work.records += ids.length), getMany(ids, o));

    random = generator(0xbeef);
    const wordsOf = (i: number) => {
      const r = imageAt(i, 'X'.repeat(26));
      return `${r.meta.title} ${r.meta.description}`.split(' ');
    };
    const kinds3: Record<string, () => string> = {
      // A word as people search: drawn with the same skew as the text, completed (trailing space).
      'one term': () => `${zipf(pool, random)} `,
      // Three words of one image's text, so the intersection is not always empty.
      'three terms': () => {
        const w = wordsOf(Math.floor(random() * IMAGES));
        return `${w[Math.floor(random() * w.length)]} ${w[Math.floor(random() * w.length)]} ${w[Math.floor(random() * w.length)]} `;
      },
      // Search as you type: the first three letters of a word.
      prefix: () => zipf(pool, random).slice(0, 3),
    };
    for (const [label, caller, key] of [['sees everything', everyone, 'everything'], ['sees about 2%', few, 'fraction']] as const) {
      console.log(`caller who ${label}: ${label === 'sees everything' ? '100%' : `${(fewShare * 100).toFixed(1)}%`} of ${n(IMAGES)} images`);
      for (const [kind, make] of Object.entries(kinds3)) {
        for (let i = 0; i < WARMUP; i++) await searcher.search(user(caller), { terms: parseQuery(make()), limit: 20 });
        // The bulk load's garbage (hundreds of thousands of records) is the bench's, not a query's.
        collect();
        const times: number[] = [];
        // CPU of this process per query: what a query costs here when it is not waiting for a core.
        const cpu: number[] = [];
        const did: { ms: number; rounds: number; records: number }[] = [];
        let hits = 0;
        const cpu0 = await redisCpu();
        const deadline = performance.now() + SECONDS * 1000;
        while (times.length < QUERIES && performance.now() < deadline) {
          const terms = parseQuery(make());
          const t = performance.now();
          const c = process.cpuUsage();
          work.rounds = work.records = 0;
          const page = await searcher.search(user(caller), { terms, limit: 20 });
          const used = process.cpuUsage(c);
          times.push(performance.now() - t);
          did.push({ ms: performance.now() - t, ...work });
          cpu.push((used.user + used.system) / 1000);
          hits += page.items.length;
        }
        times.sort((a, b) => a - b);
        const redisMs = ((await redisCpu()) - cpu0) / times.length;
        cpu.sort((a, b) => a - b);
        const today = TODAY[key][kind as keyof (typeof TODAY)['everything']];
        const p99 = pct(times, 0.99);
        console.log(
          `  ${kind.padEnd(12)} p50 ${pct(times, 0.5).toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  (${times.length} queries, ${(hits / times.length).toFixed(1)} results per page of 20; ` +
            `CPU per query: this process p50 ${pct(cpu, 0.5).toFixed(2)} ms p99 ${pct(cpu, 0.99).toFixed(2)} ms, Redis ${redisMs.toFixed(2)} ms on average)` +
            `; today's index at 200k: p99 ${today} ms (${(today / p99).toFixed(1)}× this p99)`,
        );
        const tail = did.sort((a, b) => b.ms - a.ms).slice(0, Math.max(1, Math.ceil(did.length / 100)));
        const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
        console.log(
          `               rounds over the shards: mean ${mean(did.map((d) => d.rounds)).toFixed(2)}, slowest 1% ${mean(tail.map((d) => d.rounds)).toFixed(2)}; ` +
            `records re-checked: mean ${mean(did.map((d) => d.records)).toFixed(1)}, slowest 1% ${mean(tail.map((d) => d.records)).toFixed(1)}`,
        );
      }
    }
  }
} finally {
  redis.disconnect();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
