import { describe, expect, it } from 'vitest';
import { imageTerms, MAX_TOKEN_LENGTH, MAX_TOKENS_PER_IMAGE, tokenize } from './fold-tokens.js';

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
