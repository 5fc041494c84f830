import { randomFillSync } from 'node:crypto';

/**
 * The logical shards of the keyspace. Every image belongs to one shard, computed from its id
 * alone (so `/i/<id>` needs no directory, and ids minted before sharding map to a shard too);
 * every Redis key of that image, its owner's per-shard listings, its dedup entry and the
 * shard's streams carry the shard's hash tag `{s<n>}`, so each atomic step stays in one slot of
 * Redis Cluster. The shard count is fixed at install time: changing it moves every image.
 */
export const MIN_SHARDS = 1;
export const MAX_SHARDS = 1024;
export const DEFAULT_SHARDS = 16;

/** FNV-1a over the UTF-16 code units: stable across processes and versions, cheap, evenly spread. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The shard an image id belongs to. */
export function shardOfImage(imageId: string, shardCount: number): number {
  return shardCount <= 1 ? 0 : fnv1a32(imageId) % shardCount;
}

/**
 * The shard for one owner's copy of some bytes: the dedup entry lives there, and the image
 * minted for those bytes is minted into it, so the upload's pivot (dedup check, record,
 * listings, job, event) is one slot.
 */
export function shardOfDedup(dedupKey: string, shardCount: number): number {
  return shardCount <= 1 ? 0 : fnv1a32(`dedup:${dedupKey}`) % shardCount;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const pool = new Uint8Array(16 * 1024);
let poolAt = pool.length;

function randomBytes(n: number): Uint8Array {
  if (poolAt + n > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  poolAt += n;
  return pool.subarray(poolAt - n, poolAt);
}

function bigFrom(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

const RANDOM_LIMIT = 1n << 80n;

/** 16 Crockford characters for an 80-bit number. */
function encodeRandom(v: bigint): string {
  let out = '';
  for (let i = 15; i >= 0; i--) out += CROCKFORD[Number((v >> BigInt(5 * i)) & 31n)];
  return out;
}

// The last id minted in this process: ids of one millisecond follow it, so they list in the
// order they were made (comments, favorites, uploads of one burst), yet each step is a fresh
// random 64-bit increment: knowing one id leaves 2^64 candidates for the next, not one.
let lastMs = -1;
let lastRandom = 0n;

function nextRandom(now: number): bigint {
  if (now === lastMs) {
    const next = lastRandom + 1n + bigFrom(randomBytes(8));
    if (next < RANDOM_LIMIT) return next;
  }
  return bigFrom(randomBytes(10));
}

function timePart(now: number): string {
  let out = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/**
 * A ULID (48 bits of time, 80 bits of CSPRNG output) whose shard is `shard`. Rejection sampling:
 * about `shardCount` draws on average (16 by default, at most 1,024), each a microsecond or so.
 * Within one millisecond of one process ids increase (see `nextRandom`), across milliseconds
 * the time orders them, so a listing by id is a listing by creation.
 */
export function newImageIdInShard(shard: number, shardCount: number, now: number = Date.now()): string {
  if (!Number.isInteger(shard) || shard < 0 || shard >= shardCount) {
    throw new RangeError(`expected a shard in 0..${shardCount - 1} but received ${shard}`);
  }
  const time = timePart(now);
  for (;;) {
    const random = nextRandom(now);
    const id = time + encodeRandom(random);
    if (shardOfImage(id, shardCount) === shard) {
      lastMs = now;
      lastRandom = random;
      return id;
    }
  }
}
/** The hash tag of a shard's keys. */
export function shardTag(shard: number): string {
  return `{s${shard}}`;
}

/** The hash tag of one user's own keys (keys, favorites, notifications, sessions). */
export function userTag(userId: string): string {
  return `{u:${userId}}`;
}

/** Every shard number, for consumers and listings that read them all. */
export function allShards(shardCount: number): number[] {
  return Array.from({ length: shardCount }, (_, i) => i);
}

// CRC16-CCITT (XMODEM), the checksum Redis Cluster uses for key slots.
const CRC16_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const b of bytes) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

/**
 * `CLUSTER KEYSLOT`: CRC16 of the key, or of the part between the first `{` and the next `}`
 * when that part is non-empty (the hash-tag rule), modulo 16384.
 */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  return crc16(new TextEncoder().encode(hashed)) % 16384;
}
