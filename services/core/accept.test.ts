import { describe, expect, it } from 'vitest';
import { parseAccept, qualityFor } from './accept.js';

describe('Accept', () => {
  const chrome = parseAccept('image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8');
  it('parses q-values and tolerates junk', () => {
    expect(parseAccept('image/webp;q=0.5, garbage, */*;q=abc')).toEqual([
      { type: 'image', subtype: 'webp', q: 0.5 },
      { type: '*', subtype: '*', q: 1 },
    ]);
  });
  it('lets the most specific range decide', () => {
    expect(qualityFor(chrome, 'image/avif', true)).toBe(1);
    expect(qualityFor(chrome, 'image/jpeg', false)).toBe(1);
    expect(qualityFor(parseAccept('image/*;q=0.3,*/*;q=0.9'), 'image/png', false)).toBe(0.3);
    expect(qualityFor(parseAccept('image/webp;q=0,*/*'), 'image/webp', false)).toBe(0);
  });
  it('ignores wildcards for formats that must be named', () => {
    expect(qualityFor(parseAccept('image/*,*/*'), 'image/avif', true)).toBe(0);
  });
});
