import { describe, expect, it } from 'vitest';
import { foldText, imageTerms, MAX_TOKEN_LENGTH, MAX_TOKENS_PER_IMAGE, tokenize } from './fold-tokens.js';

describe('tokenize', () => {
  it.each([
    ['Café', ['cafe']],
    ['CAFÉ', ['cafe']],
    ['cafe\u0301 (decomposed)', ['cafe', 'decomposed']],
    ['Straße', ['strasse']],
    ['STRASSE', ['strasse']],
    ['ﬁle² №5', ['file2', 'no5']],
    ['ΣΊΣΥΦΟΣ σίσυφος', ['σισυφος', 'σισυφος']],
    ['İstanbul ISTANBUL', ['istanbul', 'istanbul']],
    ['hello-world_foo.bar', ['hello', 'world', 'foo', 'bar']],
    ['东京 タワー', ['东京', 'タワー']],
    ['!!! ... ???', []],
    ['', []],
  ])('%j → %j', (text, tokens) => {
    expect(tokenize(text)).toEqual(tokens);
  });

  it('cuts tokens to the length cap', () => {
    const long = 'a'.repeat(100);
    expect(tokenize(long)).toEqual(['a'.repeat(MAX_TOKEN_LENGTH)]);
    // By code points, so an astral character is never split in half.
    expect([...tokenize('𝒜'.repeat(40))[0]!]).toHaveLength(MAX_TOKEN_LENGTH);
  });
});

describe('imageTerms', () => {
  it('takes title, tags and description, distinct, with folded tags', () => {
    expect(imageTerms({ title: 'Beach at dusk', tags: ['Sea Side', 'BEACH'], description: 'dusk, again' })).toEqual({
      tokens: ['beach', 'at', 'dusk', 'sea', 'side', 'again'],
      tags: ['sea side', 'beach'],
    });
  });

  it('caps the tokens of one image, title and tags first', () => {
    const description = Array.from({ length: 1000 }, (_, i) => `w${i}`).join(' ');
    const terms = imageTerms({ title: 'first', tags: ['tagged'], description });
    expect(terms.tokens).toHaveLength(MAX_TOKENS_PER_IMAGE);
    expect(terms.tokens.slice(0, 2)).toEqual(['first', 'tagged']);
  });
});

describe('foldText', () => {
  // The full folding, spelled out: the ASCII fast path must agree with it on every ASCII text.
  const fullFold = (text: string) =>
    text.normalize('NFKD').replace(/\p{Mn}/gu, '').toLocaleUpperCase('und').toLocaleLowerCase('und').normalize('NFKD').replace(/\p{Mn}/gu, '').normalize('NFC');

  it('folds ASCII exactly as the full folding does', () => {
    const every = Array.from({ length: 128 }, (_, i) => String.fromCharCode(i)).join('');
    expect(foldText(every)).toBe(fullFold(every));
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let n = 0; n < 500; n++) {
      const text = Array.from({ length: next() % 40 }, () => String.fromCharCode(next() % 128)).join('');
      expect(foldText(text)).toBe(fullFold(text));
    }
  });

  it('still folds what is not ASCII', () => {
    expect(foldText('Ｆｉﬁ Straße Café ΣΑΣ')).toBe(fullFold('Ｆｉﬁ Straße Café ΣΑΣ'));
    expect(foldText('Café')).toBe('cafe');
    expect(foldText('Straße')).toBe('strasse');
  });
});
