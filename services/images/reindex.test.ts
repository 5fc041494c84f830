import { describe, expect, it } from 'vitest';
import { useRedisAndStore } from '../../test/helpers/redis-and-store.js';
import { newImageId } from '../core/ids.js';
import { createLogger } from '../core/logger.js';
import { redisKeys } from '../redis/keys.js';
import { manifestKey } from '../storage/keys.js';
import { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { writeManifest } from './manifest-store.js';
import { reindex } from './reindex.js';
import { allShards } from '../core/shards.js';
import { shardCount } from '../redis/keys.js';

const t = useRedisAndStore('imgsvc-reindex-');
const logger = createLogger('silent');

function record(sha256: string, at: string): ImageRecord {
  return {
    id: newImageId(Date.parse(at)), sha256, format: 'jpeg', width: 10, height: 10, bytes: 100, orientation: 1,
    hasAlpha: false, frames: 1, status: 'ready', createdAt: at, updatedAt: at, variants: [], ownerId: 'owner', visibility: 'public', meta: { tags: [] }, revision: 0,
  };
}

describe('reindex', () => {
  it('collapses two manifests with the same dedup key into the older image, removing the other\'s manifest and record', async () => {
    const sha = 'c'.repeat(64);
    const older = record(sha, '2026-01-01T00:00:00Z');
    const newer = record(sha, '2026-02-01T00:00:00Z');
    const other = record('d'.repeat(64), '2026-03-01T00:00:00Z');
    for (const rec of [older, newer, other]) await writeManifest(t.store, rec);
    const index = new ImageIndex(t.redis);
    // The re-upload made while the index was lost is in Redis already.
    await index.put(newer);

    const result = await reindex(t.store, index, logger);
    expect(result).toMatchObject({ restored: 2, duplicates: [newer.id], unreadable: [] });
    expect(await index.idForSha('owner', sha)).toBe(older.id);
    expect(await index.get(newer.id)).toBeUndefined();
    expect(await t.store.head(manifestKey(newer.id))).toBeUndefined();
    expect(await t.store.head(manifestKey(older.id))).toBeDefined();
    expect((await Promise.all(allShards(shardCount()).map((s) => index.listIds(s, undefined, 10)))).flat().sort()).toEqual([older.id, other.id].sort());
    expect(await index.sentinel()).toMatchObject({ unreadable: 0 });

    // Run again: nothing more to collapse, same result.
    expect(await reindex(t.store, index, logger)).toMatchObject({ restored: 2, duplicates: [] });
  });

  it('writes the index-built sentinel, recording unreadable manifests', async () => {
    await t.store.put(manifestKey(newImageId()), Buffer.from('{not json'));
    const index = new ImageIndex(t.redis);
    expect(await t.redis.exists(redisKeys.indexBuilt)).toBe(0);
    await reindex(t.store, index, logger);
    expect(await index.sentinel()).toMatchObject({ unreadable: 1 });
  });
});
