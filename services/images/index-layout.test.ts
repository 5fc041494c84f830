import { describe, expect, it } from 'vitest';
import { useRedisAndStore } from '../../test/helpers/redis-and-store.js';
import { createLogger } from '../core/logger.js';
import { newImageIdInShard } from '../core/shards.js';
import { dedupShard, redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { evictColdRecords } from './cold-records.js';
import { dedupKey } from '../core/dedup-key.js';
import { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { INDEX_LAYOUT } from './index-layout.js';
import { KEYSPACE_META_KEY, prepareKeyspace, readStoredMeta } from './keyspace-meta.js';
import { manifestOrNothing, writeManifest } from './manifest-store.js';
import { F } from './record-hash.js';

/**
 * A deployment whose Redis holds the sharded keyspace's first layout (2): a dedup string and a
 * reference set per image, record hashes with full field names. The new version converts the
 * first two at start-up and reads the third as it is, until each record's next write.
 */
const t = useRedisAndStore('imgsvc-layout-');
const logger = createLogger('silent');

const P = 'imgsvc:';
const tag = (shard: number) => `{s${shard}}`;

function uploaded(ownerId: string, sha256: string, overrides: Partial<ImageRecord> = {}): ImageRecord {
  const now = Date.now();
  const id = newImageIdInShard(dedupShard(dedupKey({ ownerId, sha256 })), shardCount(), now);
  const at = new Date(now).toISOString();
  return {
    id, ownerId, visibility: 'public', sha256, format: 'jpeg', width: 10, height: 10, bytes: 100, orientation: 1, hasAlpha: false, frames: 1,
    status: 'ready', createdAt: at, updatedAt: at, meta: { tags: ['sea'] }, revision: 1, variants: [], ...overrides,
  };
}

/** What layout 2 wrote for one image: the record hash, its id index and listing, the dedup string, the reference set. */
async function writeLayout2(rec: ImageRecord, options: { dedup?: boolean } = {}): Promise<void> {
  const s = shardOf(rec.id);
  const tx = t.redis.multi();
  tx.hset(redisKeys.image(rec.id), {
    id: rec.id, ownerId: rec.ownerId, sha256: rec.sha256, format: rec.format, width: '10', height: '10', bytes: '100', status: rec.status, createdAt: rec.createdAt,
    meta: JSON.stringify(rec.meta), revision: String(rec.revision), ...(rec.deletedAt ? { deletedAt: rec.deletedAt } : {}),
  });
  tx.zadd(redisKeys.allImages(s), 0, rec.id).zadd(redisKeys.ownerImages(s, rec.ownerId), 0, rec.id);
  tx.sadd(`${P}${tag(s)}:sharefs:${rec.sha256}`, rec.id);
  await tx.exec();
  if (options.dedup !== false) await t.redis.set(`${P}${tag(dedupShard(dedupKey(rec)))}:dedup:${dedupKey(rec)}`, rec.id);
}

describe('the index layout upgrade (2 → 3)', () => {
  it('folds dedup strings and reference sets into the bytes\' hashes, reads old record hashes, and records the layout', async () => {
    const a = uploaded('01OWNERA000000000000000000', 'a1'.repeat(32));
    const shared = 'b2'.repeat(32);
    const b = uploaded('01OWNERA000000000000000000', shared);
    const c = uploaded('01OWNERC000000000000000000', shared);
    const trashed = uploaded('01OWNERC000000000000000000', 'c3'.repeat(32), { deletedAt: new Date().toISOString() });
    const ownerless = uploaded('', 'd4'.repeat(32));
    for (const rec of [a, b, c, ownerless]) await writeLayout2(rec);
    await writeLayout2(trashed, { dedup: false });
    for (const rec of [a, b, c, trashed, ownerless]) await writeManifest(t.store, rec);
    const meta = { layout: 2, shards: shardCount(), createdAt: '2026-01-01T00:00:00.000Z' };
    await t.redis.set(redisKeys.keyspaceMeta, JSON.stringify(meta));
    await t.store.put(KEYSPACE_META_KEY, Buffer.from(JSON.stringify(meta)));

    await prepareKeyspace({ redis: t.redis, store: t.store, logger }, shardCount());

    expect(await t.redis.keys('*:dedup:*')).toEqual([]);
    expect(await t.redis.keys('*:sharefs:*')).toEqual([]);
    const index = new ImageIndex(t.redis);
    index.readColdFrom((id) => manifestOrNothing(t.store, id));
    expect(await index.idForSha(a.ownerId, a.sha256)).toBe(a.id);
    expect(await index.idForSha(b.ownerId, shared)).toBe(b.id);
    expect(await index.idForSha(c.ownerId, shared)).toBe(c.id);
    expect(await index.idForSha('', ownerless.sha256)).toBe(ownerless.id);
    expect(await index.idForSha(trashed.ownerId, trashed.sha256)).toBeUndefined();
    for (const rec of [a, b, trashed, ownerless]) expect(await index.isOriginalReferenced(rec.sha256)).toBe(true);
    expect(await index.isOriginalReferenced('e5'.repeat(32))).toBe(false);
    // Old record hashes read as they are.
    for (const rec of [a, b, c, trashed, ownerless]) expect(await index.get(rec.id)).toEqual(rec);
    expect(await readStoredMeta(t.store)).toEqual({ ...meta, layout: INDEX_LAYOUT });
    expect(JSON.parse((await t.redis.get(redisKeys.keyspaceMeta))!)).toEqual({ ...meta, layout: INDEX_LAYOUT });

    // An old record is rewritten whole in the compact layout by its next change...
    await index.update({ ...a, revision: 2, meta: { tags: [] } }, a);
    const hash = await t.redis.hgetall(redisKeys.image(a.id));
    expect(hash.sha256).toBeUndefined();
    expect(hash[F.revision]).toBe('2');
    expect(await index.get(a.id)).toEqual({ ...a, revision: 2, meta: { tags: [] } });
    // ...and one never changed again still leaves Redis when cold (its revision read in the old field).
    expect((await evictColdRecords({ redis: t.redis, index, store: t.store, logger }, { idleDays: 0 })).evicted).toBe(3);
    expect(await t.redis.exists(redisKeys.image(b.id))).toBe(0);
    expect(await index.get(b.id)).toEqual(b);

    // Converting again (a second pod starting) changes nothing.
    await prepareKeyspace({ redis: t.redis, store: t.store, logger }, shardCount());
    expect(await index.idForSha(c.ownerId, shared)).toBe(c.id);
  });

  it('a fresh install records the compact layout', async () => {
    await prepareKeyspace({ redis: t.redis, store: t.store, logger }, shardCount());
    expect((await readStoredMeta(t.store))?.layout).toBe(INDEX_LAYOUT);
  });
});
