import { describe, expect, it } from 'vitest';
import { headerMemo } from './header-memo.js';

describe('headerMemo', () => {
  it('remembers short values and recomputes long ones without keeping them', () => {
    let calls = 0;
    const memo = headerMemo((v: string) => (calls++, v.length), { maxEntries: 10, maxKeyLength: 8 });
    expect([memo('short'), memo('short')]).toEqual([5, 5]);
    expect(calls).toBe(1);
    const long = 'x'.repeat(9);
    expect([memo(long), memo(long)]).toEqual([9, 9]);
    expect(calls).toBe(3);
  });

  it('starts over past maxEntries, so the map never holds more than that', () => {
    let calls = 0;
    const memo = headerMemo((v: string) => (calls++, v), { maxEntries: 2, maxKeyLength: 8 });
    for (const v of ['a', 'b', 'c', 'a']) memo(v);
    expect(calls).toBe(4);
  });
});
