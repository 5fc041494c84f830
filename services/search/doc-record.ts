import { fnv1a32 } from '../core/shards.js';

/**
 * One doc's record in a shard's `docs` string, at offset doc × DOC_RECORD_BYTES: the image id
 * (26 ASCII characters), its owner's hash (4 bytes, big-endian) and flags (1 byte). The scripts
 * read and write the same layout (scripts/doc-record-lua.ts); this is its JavaScript twin, for
 * the bulk loader and the tests.
 */
export const DOC_RECORD_BYTES = 31;
export const ID_BYTES = 26;

export const FLAG_LIVE = 1;
export const FLAG_PUBLIC = 2;
/** Numbered after an image with a greater id: not in the doc-ordered stream, found through `late`. */
export const FLAG_LATE = 4;

export interface DocRecord {
  id: string;
  ownerHash: number;
  flags: number;
}

/** Owners are known to the index by a 32-bit hash: a collision only lets a candidate through to the re-check. */
export const ownerHash = (ownerId: string): number => fnv1a32(ownerId);

export function encodeDocRecord(r: DocRecord): Buffer {
  if (r.id.length !== ID_BYTES) throw new RangeError(`expected a ${ID_BYTES}-character image id but received ${JSON.stringify(r.id)}`);
  const out = Buffer.alloc(DOC_RECORD_BYTES);
  out.write(r.id, 0, 'latin1');
  out.writeUInt32BE(r.ownerHash >>> 0, ID_BYTES);
  out[ID_BYTES + 4] = r.flags;
  return out;
}

export function decodeDocRecord(bytes: Buffer, doc: number): DocRecord | undefined {
  const at = doc * DOC_RECORD_BYTES;
  if (bytes.length < at + DOC_RECORD_BYTES) return undefined;
  return { id: bytes.toString('latin1', at, at + ID_BYTES), ownerHash: bytes.readUInt32BE(at + ID_BYTES), flags: bytes[at + ID_BYTES + 4]! };
}

/** Bits of the owner filter per owner: about 1 false positive in 128 non-visible candidates, each caught by the re-check. */
const FILTER_BITS_PER_OWNER = 128;
const FILTER_MIN_BITS = 256;
/** 8 KiB: a caller granted by 2,000 owners gets ~3% false positives among the few images they may not see. */
const FILTER_MAX_BITS = 65_536;

/**
 * The owners whose private images a caller may see, as a one-hash Bloom filter over their
 * owner hashes (bit i is bit 7 - i % 8 of byte i / 8, as Redis numbers bitmap bits). Passed to
 * each shard's query so a broad caller costs one lookup per candidate, whatever the number of
 * owners who granted them.
 */
export interface OwnerFilter {
  bits: number;
  bytes: Buffer;
}

export function ownerFilter(owners: readonly string[]): OwnerFilter {
  if (owners.length === 0) return { bits: 0, bytes: Buffer.alloc(0) };
  let bits = FILTER_MIN_BITS;
  while (bits < owners.length * FILTER_BITS_PER_OWNER && bits < FILTER_MAX_BITS) bits *= 2;
  const bytes = Buffer.alloc(bits / 8);
  for (const o of owners) {
    const i = ownerHash(o) % bits;
    bytes[i >> 3]! |= 0x80 >> (i & 7);
  }
  return { bits, bytes };
}

export function filterHas(filter: OwnerFilter, hash: number): boolean {
  if (filter.bits === 0) return false;
  const i = hash % filter.bits;
  return (filter.bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0;
}

/** The vocabulary bucket of a token: its first three code points, so a bucket stays a small listpack. */
export function vocabBucket(token: string): string {
  return [...token].slice(0, 3).join('');
}
