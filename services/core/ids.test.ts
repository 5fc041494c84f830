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

  it('sort by creation within one millisecond, yet knowing one id does not give the next', () => {
    const t = Date.UTC(2026, 0, 1);
    const ids = Array.from({ length: 1_000 }, () => newImageId(t));
    // Comments, favorites and notifications made in one millisecond list in the order they were made.
    expect([...ids].sort()).toEqual(ids);
    const randomParts = ids.map((id) => decodeBase32(id.slice(10)));
    for (let i = 1; i < randomParts.length; i++) {
      // Each step is a fresh 64-bit random increment: the next id is one of 2^64, never the successor.
      expect(randomParts[i]! - randomParts[i - 1]!).toBeGreaterThan(2n ** 32n);
    }
  });

  it('start each millisecond anywhere in the 80-bit range', () => {
    const firsts = Array.from({ length: 200 }, (_, i) => decodeBase32(newImageId(Date.UTC(2026, 0, 1) + 10 + i).slice(10)));
    const sorted = [...firsts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(sorted[sorted.length - 1]! - sorted[0]!).toBeGreaterThan(2n ** 75n);
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
