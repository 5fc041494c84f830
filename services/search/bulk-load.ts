import type { ChainableCommander } from 'ioredis';
import { searchKeys } from './search-keys.js';
import { encodeDocRecord, FLAG_LIVE, FLAG_PUBLIC, ownerHash, vocabBucket } from './doc-record.js';
import { searchTerms, type SearchFacts } from './index-ops.js';
import { encodePostings } from './postings.js';

/**
 * One shard's whole index built in memory from its images, for loading a large index fast (the
 * benchmark; a rebuild could use it too): the same keys and layout the scripts leave after
 * indexing those images one by one in id order, written with a few commands per key.
 */
export interface ShardIndexWrites {
  strings: [string, Buffer][];
  hashes: [string, Record<string, string | number>][];
  /** Sorted sets of members with score 0. */
  sets: [string, string[]][];
}

export function buildShardIndex(shard: number, images: readonly SearchFacts[]): ShardIndexWrites {
  const sorted = [...images].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const seq = sorted.length;
  const postings = new Map<string, number[]>();
  const add = (key: string, doc: number) => (postings.get(key) ?? postings.set(key, []).get(key)!).push(doc);
  const records: Buffer[] = [Buffer.alloc(encodeDocRecord({ id: '0'.repeat(26), ownerHash: 0, flags: 0 }).length)];
  const docOf = new Map<string, Record<string, number>>();
  const vocab = new Map<string, Set<string>>();
  sorted.forEach((r, i) => {
    const doc = i + 1;
    const live = r.deletedAt === undefined;
    const isPublic = r.visibility === 'public';
    records.push(encodeDocRecord({ id: r.id, ownerHash: ownerHash(r.ownerId), flags: (live ? FLAG_LIVE : 0) | (isPublic ? FLAG_PUBLIC : 0) }));
    const bucketKey = searchKeys.docOf(shard, r.id);
    (docOf.get(bucketKey) ?? docOf.set(bucketKey, {}).get(bucketKey)!)[r.id] = doc;
    if (!live) return;
    for (const t of searchTerms(r)) {
      add(searchKeys.term(shard, t), doc);
      if (!t.startsWith('#')) {
        const b = vocabBucket(t);
        (vocab.get(b) ?? vocab.set(b, new Set()).get(b)!).add(t);
      }
    }
    if (isPublic) add(searchKeys.public(shard), doc);
    add(searchKeys.owner(shard, r.ownerId), doc);
  });
  // Docs 1…seq, so the 'docs' string starts with an empty record 0.
  const strings: [string, Buffer][] = [[searchKeys.docs(shard), Buffer.concat(records)]];
  for (const [key, docs] of postings) strings.push([key, encodePostings(docs, seq)]);
  const hashes: [string, Record<string, string | number>][] = [...docOf];
  if (seq > 0) hashes.push([searchKeys.state(shard), { seq, max: sorted[seq - 1]!.id }]);
  const sets: [string, string[]][] = [...vocab].map(([b, tokens]) => [searchKeys.vocab(shard, b), [...tokens]]);
  if (vocab.size > 0) sets.push([searchKeys.vocabBuckets(shard), [...vocab.keys()]]);
  return { strings, hashes, sets };
}

/** Queues the writes (all in the shard's slot: one pipeline per shard is one node of a cluster). */
export function queueShardIndex(p: ChainableCommander, w: ShardIndexWrites): void {
  for (const [key, value] of w.strings) p.set(key, value);
  for (const [key, fields] of w.hashes) p.hset(key, fields);
  for (const [key, members] of w.sets) for (let i = 0; i < members.length; i += 1000) p.zadd(key, ...members.slice(i, i + 1000).flatMap((m) => [0, m]));
}

