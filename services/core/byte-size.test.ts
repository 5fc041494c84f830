import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['52428800', 52_428_800],
    ['50MiB', 50 * 1024 * 1024],
    ['50 mb', 50_000_000],
    ['1.5GiB', 1.5 * 1024 ** 3],
    ['512k', 512_000],
    ['0', 0],
  ])('%s → %d', (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  it.each(['', 'lots', '-5', '5 parsecs', '1e3'])('rejects %j', (text) => expect(parseByteSize(text)).toBeUndefined());
});
