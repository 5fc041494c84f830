import { describe, expect, it } from 'vitest';
import { hiddenInIdentifier, hiddenInText, stripHidden } from './invisible-chars.js';

describe('hidden characters', () => {
  it.each([
    ['photo\u202Egpj.exe', 'U+202E'],
    ['a\u200Bb', 'U+200B'],
    ['\uFEFFtitle', 'U+FEFF'],
    ['x\u2066y\u2069', 'U+2066'],
    ['soft\u00ADhyphen', 'U+00AD'],
    ['filler\u3164', 'U+3164'],
  ])('finds %j in prose', (text, found) => {
    expect(hiddenInText(text)).toBe(found);
  });

  it.each([
    ['Sunset at the beach'],
    ['👨\u200D👩\u200D👧 family'],
    ['می\u200Cخواهم'],
    ['❤\uFE0F'],
    ['שלום \u200F world'],
  ])('keeps %j (ZWJ, ZWNJ, variation selectors and marks are real text)', (text) => {
    expect(hiddenInText(text)).toBeUndefined();
  });

  it('refuses direction marks in identifiers and strips everything hidden from file names', () => {
    expect(hiddenInIdentifier('tag\u200F')).toBe('U+200F');
    expect(stripHidden('photo\u202Egpj.exe')).toBe('photogpj.exe');
    expect(stripHidden('\u200Ea\u200Bb\u2066c')).toBe('abc');
  });
});
