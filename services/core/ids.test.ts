import { describe, expect, it } from 'vitest';
import { isImageId, isSha256Hex, newImageId } from './ids.js';

describe('image ids', () => {
  it('are ULIDs that sort by creation time, also within one millisecond', () => {
    const t = Date.UTC(2026, 0, 1);
    const ids = [newImageId(t), newImageId(t), newImageId(t + 1), newImageId(t + 1000)];
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(isImageId(id)).toBe(true);
  });

  it('carry 80 random bits: many ids in one millisecond never collide', () => {
    const t = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => newImageId(t)));
    expect(ids.size).toBe(10_000);
  });

  it.each(['', 'abc', '01M80YC7C8A6BVCG1BJSZ02QC', '01M80YC7C8A6BVCG1BJSZ02QCHX', '01m80yc7c8a6bvcg1bjsz02qch', '81M80YC7C8A6BVCG1BJSZ02QCH', '../../etc/passwd'])(
    'rejects %j',
    (value) => expect(isImageId(value)).toBe(false),
  );

  it('checks SHA-256 hex', () => {
    expect(isSha256Hex('a'.repeat(64))).toBe(true);
    expect(isSha256Hex('A'.repeat(64))).toBe(false);
    expect(isSha256Hex('a'.repeat(63))).toBe(false);
  });
});
