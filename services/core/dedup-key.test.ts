import { describe, expect, it } from 'vitest';
import { newImageId } from '../core/ids.js';
import { dedupKey, survivorOf } from '../core/dedup-key.js';

describe('dedupKey', () => {
  it('is the owner and the content hash: two owners of the same bytes have two images', () => {
    expect(dedupKey({ ownerId: 'A', sha256: 'ab'.repeat(32) })).toBe(`A:${'ab'.repeat(32)}`);
    expect(dedupKey({ ownerId: 'A', sha256: 'ab'.repeat(32) })).not.toBe(dedupKey({ ownerId: 'B', sha256: 'ab'.repeat(32) }));
  });
});

describe('survivorOf', () => {
  it('keeps the older id whichever order they come in', () => {
    const older = newImageId(Date.parse('2026-01-01T00:00:00Z'));
    const newer = newImageId(Date.parse('2026-01-02T00:00:00Z'));
    expect(survivorOf(older, newer)).toBe(older);
    expect(survivorOf(newer, older)).toBe(older);
  });
});
