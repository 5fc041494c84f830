import { shardTag } from '../core/shards.js';
import { shardCount, shardOf } from '../redis/keys.js';

const P = 'imgsvc:';

/** The keyspace's one shard count (redis/keys.ts, set at start-up from IMGSVC_REDIS_SHARDS). */
export function searchShardCount(): number {
  return shardCount();
}

export function searchShardOf(imageId: string): number {
  return shardOf(imageId);
}

/** Everything of one shard's index starts with this: `imgsvc:search:{s<n>}:`. Scripts build term keys from it. */
export const searchBase = (shard: number) => `${P}search:${shardTag(shard)}:`;

/**
 * The search index of one shard (docs/search.md): every key carries the shard's hash tag, so
 * an image's changes are one slot. Images are numbered per shard (`doc`, a small integer), and
 * postings hold those numbers, not 26-character ids.
 */
export const searchKeys = {
  /** Hash: `seq` (the last doc number given out), `max` (the greatest image id numbered in order). */
  state: (shard: number) => `${searchBase(shard)}st`,
  /** String of fixed-size records, one per doc: its image id, owner hash and flags (see doc-record.ts). */
  docs: (shard: number) => `${searchBase(shard)}docs`,
  /** Hash image id → doc, split in buckets by the id's last two characters so each stays a listpack. */
  docOf: (shard: number, imageId: string) => `${searchBase(shard)}ix:${docBucket(imageId)}`,
  /** Postings of one term: a token, or '#' + a folded tag. */
  term: (shard: number, term: string) => `${searchBase(shard)}t:${term}`,
  /** Postings of the shard's live public images. */
  public: (shard: number) => `${searchBase(shard)}pub`,
  /** Postings of one owner's live images in the shard. */
  owner: (shard: number, ownerId: string) => `${searchBase(shard)}o:${ownerId}`,
  /** Sorted set (lex) of the buckets of the vocabulary (see vocabBucket). */
  vocabBuckets: (shard: number) => `${searchBase(shard)}vb`,
  /** Sorted set (lex) of the tokens in one bucket. */
  vocab: (shard: number, bucket: string) => `${searchBase(shard)}v:${bucket}`,
  /** Sorted set (lex) of `<image id><doc>` for docs numbered out of id order (see docs/search.md, Late images). */
  late: (shard: number) => `${searchBase(shard)}late`,
};

/** The bucket of the image id → doc map: 1,024 per shard, from the id's last two (random) characters. */
export function docBucket(imageId: string): string {
  return imageId.slice(-2);
}

/** Key patterns of the index before it was sharded (scopes `pub`, `priv:<owner>`, and query temporaries): dropped on upgrade. */
export const LEGACY_SEARCH_PATTERNS = [`${P}search:pub:*`, `${P}search:priv:*`, `${P}search:tmp:*`];
