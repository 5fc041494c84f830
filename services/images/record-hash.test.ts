import { describe, expect, it } from 'vitest';
import { newImageId } from '../core/ids.js';
import { variantPrefix } from '../storage/keys.js';
import type { ImageRecord } from './image-record.js';
import { F, idTime, recordFromHash, recordToHash } from './record-hash.js';

function record(overrides: Partial<ImageRecord> = {}): ImageRecord {
  const now = Date.now();
  const id = newImageId(now);
  const sha256 = 'e4'.repeat(32);
  return {
    id, ownerId: '01OWNER0000000000000000000', visibility: 'public', sha256, format: 'jpeg', width: 10, height: 10, bytes: 100, orientation: 1, hasAlpha: false, frames: 1,
    status: 'ready', createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString(), meta: { tags: ['sea'], title: 'Sea' }, revision: 0,
    variants: [
      { name: 'thumb', key: `${variantPrefix(sha256)}w50-q73.jpg`, format: 'jpeg', width: 50, height: 50, bytes: 900 },
      { name: 'thumb', key: `${variantPrefix(sha256)}w50-q61.avif`, format: 'avif', width: 50, height: 50, bytes: 700 },
    ],
    ...overrides,
  };
}

/** The hash as the layout before the compact one wrote it (full field names, id and sha256 in it). */
function legacyHash(r: ImageRecord): Record<string, string> {
  return {
    id: r.id, ownerId: r.ownerId, sha256: r.sha256, format: r.format, width: String(r.width), height: String(r.height), bytes: String(r.bytes), status: r.status,
    createdAt: r.createdAt, ...(r.visibility === 'private' ? { visibility: 'private' } : {}), ...(r.orientation !== 1 ? { orientation: String(r.orientation) } : {}),
    ...(r.updatedAt !== r.createdAt ? { updatedAt: r.updatedAt } : {}), ...(r.revision ? { revision: String(r.revision) } : {}),
    variants: JSON.stringify(r.variants.map((v) => [v.name, v.key.slice(variantPrefix(r.sha256).length), v.format, v.width, v.height, v.bytes])),
    meta: JSON.stringify(r.meta), ...(r.placeholder ? { placeholder: r.placeholder } : {}),
  };
}

describe('the compact record hash', () => {
  it('round-trips every field, leaving out what the id, the defaults and the bytes\' folder give', () => {
    const plain = record();
    const hash = recordToHash(plain);
    // No id, no createdAt (the id's time), no status (ready), no updatedAt, no defaults.
    expect(Object.keys(hash).sort()).toEqual([F.bytes, F.format, F.height, F.meta, F.owner, F.sha, F.variants, F.width].sort());
    expect(hash[F.sha]).toHaveLength(43);
    expect(hash[F.variants]).toBe('thumb,w50-q73.jpg,50,50,900;thumb,w50-q61.avif,50,50,700');
    expect(recordFromHash(plain.id, hash)).toEqual(plain);
    const unusual = record({
      visibility: 'private', orientation: 6, hasAlpha: true, frames: 3, status: 'failed', error: 'bad', updatedAt: new Date(0).toISOString(), revision: 4, meta: { tags: [] }, variants: [],
      placeholder: 'abc', deletedAt: '2026-01-02T03:04:05.678Z', allowOriginalDownload: false, commentsEnabled: false, qualities: { jpeg: 73, webp: 76, avif: 61, skip: ['avif'] }, signingEpoch: 2,
    });
    expect(recordFromHash(unusual.id, recordToHash(unusual))).toEqual(unusual);
  });

  it('keeps what cannot be derived: a creation time other than the id\'s, times that do not round-trip, keys outside the folder', () => {
    const odd = record({ createdAt: '2020-01-01T00:00:00Z', updatedAt: '2020-01-01T00:00:00Z', ownerId: '' });
    const foreign = record({ createdAt: new Date(idTime(newImageId()) - 5000).toISOString(), variants: [{ name: 'x,y', key: 'elsewhere/w1.jpg', format: 'jpeg', width: 1, height: 1, bytes: 1 }] });
    foreign.updatedAt = foreign.createdAt;
    const otherFormat = record({ variants: [{ name: 'thumb', key: `${variantPrefix('e4'.repeat(32))}w50.bin`, format: 'png', width: 5, height: 6, bytes: 7 }] });
    expect(recordToHash(otherFormat)[F.variants]).toBe('thumb,w50.bin,png,5,6,7');
    for (const r of [odd, foreign, otherFormat]) expect(recordFromHash(r.id, recordToHash(r))).toEqual(r);
    expect(recordToHash(odd)[F.created]).toBe('2020-01-01T00:00:00Z');
    const notUlid = { ...record(), id: 'not-a-ulid' };
    expect(recordFromHash(notUlid.id, recordToHash(notUlid))).toEqual(notUlid);
  });

  it('reads hashes in the layout before it (an upgraded deployment, until the next write of each record)', () => {
    const r = record({ status: 'processing', visibility: 'private', orientation: 6, revision: 2, placeholder: 'abc', updatedAt: new Date().toISOString() });
    expect(recordFromHash(r.id, legacyHash(r))).toEqual(r);
    const ready = record();
    expect(recordFromHash(ready.id, legacyHash(ready))).toEqual(ready);
  });

  it('an empty or unreadable hash is no record', () => {
    expect(recordFromHash(newImageId(), {})).toBeUndefined();
    expect(recordFromHash(newImageId(), { [F.sha]: 'x', [F.format]: 'nope' })).toBeUndefined();
  });
});
