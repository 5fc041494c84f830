import parseRange from 'range-parser';
import { describe, expect, it } from 'vitest';
import { clampSuffixRanges } from './byte-range.js';

describe('clampSuffixRanges', () => {
  it.each([
    ['bytes=-2000', 1000, 'bytes=0-'],
    ['bytes=-1000', 1000, 'bytes=-1000'],
    ['bytes=-10', 1000, 'bytes=-10'],
    ['bytes=0-9, -5000', 1000, 'bytes=0-9,0-'],
    ['bytes=-0', 1000, 'bytes=-0'],
    ['items=-2000', 1000, 'items=-2000'],
    ['bytes=5000-', 1000, 'bytes=5000-'],
  ])('%s of %i bytes → %s', (header, size, expected) => expect(clampSuffixRanges(header, size)).toBe(expected));

  it('turns an over-long suffix into the whole object, which range-parser then satisfies', () => {
    expect(parseRange(1000, 'bytes=-2000')).toBe(-1);
    expect([...(parseRange(1000, clampSuffixRanges('bytes=-2000', 1000)) as parseRange.Ranges)]).toEqual([{ start: 0, end: 999 }]);
  });
});
