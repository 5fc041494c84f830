import { describe, expect, it } from 'vitest';
import { ARRAY, BITMAP, BITMAP_MIN_DOCS, decodePostings, encodePostings, prefersBitmap } from './postings.js';

describe('postings', () => {
  it('keep few docs as a 4-byte array, newest last', () => {
    const bytes = encodePostings([1, 7, 70_000], 100_000);
    expect(bytes[0]).toBe(ARRAY);
    expect(bytes).toHaveLength(1 + 12);
    expect(decodePostings(bytes)).toEqual([1, 7, 70_000]);
  });

  it('become a bitmap when an array would be larger', () => {
    const docs = Array.from({ length: 100 }, (_, i) => i * 3 + 1);
    const bytes = encodePostings(docs, 400);
    expect(bytes[0]).toBe(BITMAP);
    // Doc d is bit 8 + d, as SETBIT numbers bits: doc 1 is the second-highest bit of byte 1.
    expect(bytes[1]).toBe(0b0100_1001);
    expect(bytes.length).toBeLessThan(1 + 4 * docs.length);
    expect(decodePostings(bytes)).toEqual(docs);
  });

  it.each([
    [BITMAP_MIN_DOCS - 1, 10, false],
    [BITMAP_MIN_DOCS, BITMAP_MIN_DOCS * 32, true],
    [BITMAP_MIN_DOCS, BITMAP_MIN_DOCS * 32 + 1, false],
    [2000, 62_500, true],
    [511, 62_500, false],
  ])('%i docs of %i: bitmap %s', (count, seq, expected) => {
    expect(prefersBitmap(count, seq)).toBe(expected);
  });

  it('decode nothing from an empty string, and refuse an unknown layout', () => {
    expect(decodePostings(Buffer.alloc(0))).toEqual([]);
    expect(() => decodePostings(Buffer.from('Z'))).toThrow(/A or B/);
  });
});
