import { describe, expect, it } from 'vitest';
import { isImageId, isSha256Hex, newImageId } from './ids.js';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function decodeBase32(text: string): bigint {
  let n = 0n;
  for (const c of text) n = n * 32n + BigInt(CROCKFORD.indexOf(c));
  return n;
}

describe('image ids', () => {
  it('are ULIDs that sort by creation time across milliseconds', () => {
    const t = Date.UTC(2026, 0, 1);
    const ids = [newImageId(t), newImageId(t + 1), newImageId(t + 2), newImageId(t + 1000)];
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(isImageId(id)).toBe(true);
  });

  it('are not sequential within one millisecond: knowing one id does not give the next', () => {
    const t = Date.UTC(2026, 0, 1);
    const randomParts = Array.from({ length: 1_000 }, () => decodeBase32(newImageId(t).slice(10)));
    let successors = 0;
    for (let i = 1; i < randomParts.length; i++) {
      const gap = randomParts[i]! - randomParts[i - 1]!;
      if (gap === 1n || gap === -1n) successors += 1;
    }
    expect(successors).toBe(0);
    // 80 random bits: ids of one millisecond land all over the range, not in a run.
    const sorted = [...randomParts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted[sorted.length - 1]! - sorted[0]!).toBeGreaterThan(2n ** 70n);
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
