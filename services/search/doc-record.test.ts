import { describe, expect, it } from 'vitest';
import { decodeDocRecord, DOC_RECORD_BYTES, encodeDocRecord, FLAG_LIVE, FLAG_PUBLIC, filterHas, ownerFilter, ownerHash, vocabBucket } from './doc-record.js';

describe('doc records', () => {
  it('round-trip at their offset', () => {
    const r = { id: '01J00000000000000000000000', ownerHash: ownerHash('01JOWNER000000000000000000'), flags: FLAG_LIVE | FLAG_PUBLIC };
    const bytes = Buffer.concat([Buffer.alloc(DOC_RECORD_BYTES * 3), encodeDocRecord(r)]);
    expect(decodeDocRecord(bytes, 3)).toEqual(r);
    expect(decodeDocRecord(bytes, 4)).toBeUndefined();
  });

  it('refuses an id that is not 26 characters', () => {
    expect(() => encodeDocRecord({ id: 'short', ownerHash: 1, flags: 0 })).toThrow(/26-character/);
  });
});

describe('ownerFilter', () => {
  const owners = Array.from({ length: 2000 }, (_, i) => `OWNER${i}`);

  it('holds every owner it was built from', () => {
    for (const n of [1, 4, 100, 2000]) {
      const f = ownerFilter(owners.slice(0, n));
      for (const o of owners.slice(0, n)) expect(filterHas(f, ownerHash(o))).toBe(true);
    }
  });

  it('is empty without owners, small for a few, and at most 8 KiB', () => {
    expect(ownerFilter([]).bits).toBe(0);
    expect(filterHas(ownerFilter([]), ownerHash('x'))).toBe(false);
    expect(ownerFilter(owners.slice(0, 2)).bytes.length).toBe(32);
    expect(ownerFilter(owners).bytes.length).toBe(8192);
  });

  it('lets few strangers through (each is caught by the re-check)', () => {
    const f = ownerFilter(owners.slice(0, 4));
    const strangers = owners.slice(100);
    const through = strangers.filter((o) => filterHas(f, ownerHash(o))).length;
    expect(through / strangers.length).toBeLessThan(0.03);
  });
});

describe('vocabBucket', () => {
  it.each([
    ['sunset', 'sun'],
    ['at', 'at'],
    ['東京タワー', '東京タ'],
    ['𝒜𝒜𝒜𝒜', '𝒜𝒜𝒜'],
  ])('%s → %s', (token, bucket) => {
    expect(vocabBucket(token)).toBe(bucket);
  });
});
