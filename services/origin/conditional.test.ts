import { describe, expect, it } from 'vitest';
import { ifNoneMatchHits } from './conditional.js';

describe('ifNoneMatchHits', () => {
  const etag = '"abc.w100"';
  it.each([
    [undefined, false],
    ['', false],
    ['"abc.w100"', true],
    ['W/"abc.w100"', true],
    ['"other", "abc.w100"', true],
    ['"other"', false],
    ['*', true],
    ['abc.w100', false],
  ])('%j → %s', (header, hit) => expect(ifNoneMatchHits(header, etag)).toBe(hit));
});
