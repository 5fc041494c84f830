/**
 * Postings: the docs (per-shard integers) holding one term, in one Redis string whose first
 * byte says how the rest is laid out:
 * - 'A': an array of docs, ascending, 4 bytes big-endian each. New images get the greatest doc,
 *   so adding one is an APPEND; the tail is the newest, so a page reads only the end.
 * - 'B': a bitmap, doc d at bit 8 + d (Redis' bit order), once an array would be bigger than
 *   the bitmap: at least BITMAP_MIN_DOCS docs and more than one in 32 of the shard's docs.
 * The scripts keep the same layout (scripts/postings-lua.ts); this twin builds postings in bulk
 * (the benchmark's loader) and tests them.
 */
export const ARRAY = 0x41;
export const BITMAP = 0x42;
export const BITMAP_MIN_DOCS = 64;

/** Whether `count` docs of a shard that has numbered `seq` docs take less room as a bitmap. */
export function prefersBitmap(count: number, seq: number): boolean {
  return count >= BITMAP_MIN_DOCS && count * 32 >= seq;
}

/** Postings of ascending, distinct docs, the way the scripts would leave them after adding them in order. */
export function encodePostings(docs: readonly number[], seq: number): Buffer {
  // The scripts decide when an add makes the count cross the line, with the seq of that moment;
  // in bulk the final seq decides: the same layout once the shard stops growing between adds.
  if (prefersBitmap(docs.length, seq)) {
    const max = docs[docs.length - 1] ?? 0;
    const out = Buffer.alloc(1 + Math.floor(max / 8) + 1);
    out[0] = BITMAP;
    for (const d of docs) out[1 + (d >> 3)]! |= 0x80 >> (d & 7);
    return out;
  }
  const out = Buffer.alloc(1 + 4 * docs.length);
  out[0] = ARRAY;
  docs.forEach((d, i) => out.writeUInt32BE(d, 1 + 4 * i));
  return out;
}

export function decodePostings(bytes: Buffer): number[] {
  if (bytes.length === 0) return [];
  const out: number[] = [];
  if (bytes[0] === ARRAY) {
    for (let at = 1; at + 4 <= bytes.length; at += 4) out.push(bytes.readUInt32BE(at));
    return out;
  }
  if (bytes[0] !== BITMAP) throw new RangeError(`expected postings starting with A or B but received byte ${bytes[0]}`);
  for (let i = 1; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) continue;
    for (let bit = 0; bit < 8; bit++) if (b & (0x80 >> bit)) out.push((i - 1) * 8 + bit);
  }
  return out;
}
