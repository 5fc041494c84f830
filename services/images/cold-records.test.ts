import { beforeEach, describe, expect, it } from 'vitest';
import { useRedisAndStore } from '../../test/helpers/redis-and-store.js';
import { newImageId } from '../core/ids.js';
import { createLogger } from '../core/logger.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { variantPrefix } from '../storage/keys.js';
import { evictColdRecords } from './cold-records.js';
import { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { F } from './record-hash.js';
import { manifestOrNothing, writeManifest } from './manifest-store.js';
import { readopt } from './readopt.js';
import { RecordWriter } from './record-writer.js';

const t = useRedisAndStore('imgsvc-cold-');
const logger = createLogger('silent');
let index: ImageIndex;
beforeEach(() => {
  index = new ImageIndex(t.redis);
  index.readColdFrom((id) => manifestOrNothing(t.store, id));
});

function record(overrides: Partial<ImageRecord> = {}): ImageRecord {
  const now = new Date().toISOString();
  const sha256 = 'e'.repeat(64);
  return {
    id: newImageId(), ownerId: 'owner', visibility: 'public', sha256, format: 'jpeg', width: 10, height: 10, bytes: 100, orientation: 1, hasAlpha: false, frames: 1,
    status: 'ready', createdAt: now, updatedAt: now, meta: { tags: ['sea'], title: 'Sea' }, revision: 0,
    variants: [{ name: 'thumb', key: `${variantPrefix(sha256)}w50.webp`, format: 'webp', width: 50, height: 50, bytes: 900 }],
    ...overrides,
  };
}

describe('the compact record hash', () => {
  it('an update that returns a field to its default removes the stale value', async () => {
    const image = record({ visibility: 'private' });
    await index.put(image);
    const next = { ...image, visibility: 'public' as const, revision: 1 };
    await index.update(next, image);
    expect((await index.get(image.id))?.visibility).toBe('public');
  });
});

describe('cold records', () => {
  it('leave Redis past the idle age; the image is still read (from its manifest), listed and deduplicated, and not re-adopted', async () => {
    const image = record();
    await writeManifest(t.store, image);
    await index.put(image);
    expect(await evictColdRecords({ redis: t.redis, index, store: t.store, logger }, { idleDays: 1 })).toEqual({ checked: 1, evicted: 0 });
    expect(await evictColdRecords({ redis: t.redis, index, store: t.store, logger }, { idleDays: 0 })).toEqual({ checked: 1, evicted: 1 });
    expect(await t.redis.exists(redisKeys.image(image.id))).toBe(0);
    expect(await index.get(image.id)).toEqual(image);
    expect(await index.getMany([image.id])).toEqual([image]);
    expect(await index.getMany([image.id], { cold: false })).toEqual([undefined]);
    expect(await index.idForSha('owner', image.sha256)).toBe(image.id);
    expect(await t.redis.zrange(redisKeys.ownerImages(shardOf(image.id), 'owner'), 0, -1)).toEqual([image.id]);
    expect((await readopt({ redis: t.redis, index, store: t.store, logger }, image)).kind).toBe('present');
    expect(await t.redis.exists(redisKeys.image(image.id))).toBe(0);

    // A change writes the record back.
    const writer = new RecordWriter(t.redis, index, t.store, undefined);
    await writer.update(image.id, (current) => ({ ...current, meta: { ...current.meta, title: 'Warm again' } }));
    expect(await t.redis.hget(redisKeys.image(image.id), F.meta)).toContain('Warm again');
    expect((await manifestOrNothing(t.store, image.id))?.revision).toBe(1);
  });

  it('keep images that are processing, deleted, or whose manifest says otherwise', async () => {
    const processing = record({ status: 'processing' });
    const stale = record({ sha256: 'f'.repeat(64) });
    for (const rec of [processing, stale]) await index.put(rec);
    await writeManifest(t.store, processing);
    await writeManifest(t.store, { ...stale, revision: 3 });
    expect((await evictColdRecords({ redis: t.redis, index, store: t.store, logger }, { idleDays: 0 })).evicted).toBe(0);
  });
});
