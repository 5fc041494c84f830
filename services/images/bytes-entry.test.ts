import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { newImageIdInShard } from '../core/shards.js';
import { dedupShard, redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { dedupKey } from '../core/dedup-key.js';
import { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';

/**
 * One hash per shard and bytes holds an owner's dedup field and the original's references
 * (redis/keys.ts, `bytes`): an upload writes one field, which is both; the trash leaves a
 * reference; the last reference gone leaves the original unreferenced in Redis.
 */
let r: TestRedis;
let index: ImageIndex;

beforeAll(async () => {
  r = await startTestRedis();
});
beforeEach(async () => {
  await r.client.flushall();
  index = new ImageIndex(r.client);
});
afterAll(async () => {
  await r.stop();
});

function uploaded(ownerId: string, sha256: string): ImageRecord {
  const now = Date.now();
  return {
    id: newImageIdInShard(dedupShard(dedupKey({ ownerId, sha256 })), shardCount(), now), ownerId, visibility: 'public', sha256, format: 'jpeg', width: 10, height: 10, bytes: 100,
    orientation: 1, hasAlpha: false, frames: 1, status: 'processing', createdAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString(), meta: { tags: [] }, revision: 0, variants: [],
  };
}

describe("the bytes' hash", () => {
  it('an upload writes one field, the dedup entry that is also the reference; trash, restore and removal keep the reference right', async () => {
    const sha = 'ab'.repeat(32);
    const mine = uploaded('01OWNERA000000000000000000', sha);
    const theirs = uploaded('01OWNERB000000000000000000', sha);
    expect(await index.createAndEnqueue(mine)).toMatchObject({ created: true });
    expect(await index.createAndEnqueue({ ...uploaded(mine.ownerId, sha) })).toEqual({ created: false, existingId: mine.id });
    expect(await r.client.hgetall(redisKeys.bytes(shardOf(mine.id), sha))).toEqual({ [mine.ownerId]: mine.id });
    expect(await index.isOriginalReferenced(sha)).toBe(true);

    // In the trash: no dedup slot, but still a reference.
    const trashed = { ...mine, deletedAt: new Date().toISOString(), revision: 1 };
    await index.update(trashed, mine);
    expect(await r.client.hgetall(redisKeys.bytes(shardOf(mine.id), sha))).toEqual({ [mine.id]: '' });
    expect(await index.idForSha(mine.ownerId, sha)).toBeUndefined();
    expect(await index.isOriginalReferenced(sha)).toBe(true);

    // Restored: the dedup slot again.
    const restored = { ...mine, revision: 2 };
    await index.update(restored, trashed);
    expect(await index.idForSha(mine.ownerId, sha)).toBe(mine.id);

    // Another owner's image of the same bytes is a second reference, wherever its shard is.
    expect(await index.createAndEnqueue(theirs)).toMatchObject({ created: true });
    await index.update({ ...restored, deletedAt: new Date().toISOString(), revision: 3 }, restored);
    await index.remove(mine.id);
    expect(await index.isOriginalReferenced(sha)).toBe(true);
    await index.update({ ...theirs, deletedAt: new Date().toISOString(), revision: 1 }, theirs);
    await index.remove(theirs.id);
    expect(await index.isOriginalReferenced(sha)).toBe(false);
  });

  it('a rebuilt image (put) has both fields', async () => {
    const sha = 'cd'.repeat(32);
    const rec = uploaded('01OWNERA000000000000000000', sha);
    await index.put(rec);
    expect(await r.client.hgetall(redisKeys.bytes(shardOf(rec.id), sha))).toEqual({ [rec.ownerId]: rec.id, [rec.id]: '' });
    expect(await index.idForSha(rec.ownerId, sha)).toBe(rec.id);
  });
});
