import { parseEvent } from '../events/event-log.js';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { newImageId } from '../core/ids.js';
import { createLogger } from '../core/logger.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { writeManifest } from '../images/manifest-store.js';
import { writeOriginalRef } from '../images/original-refs.js';
import { dedupShard, redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { newImageIdInShard } from '../core/shards.js';
import { dedupKey } from '../core/dedup-key.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { manifestKey, originalKey } from '../storage/keys.js';
import { sweepOrphans } from './orphan-sweep.js';

let r: TestRedis;
let dir: string;
let store: FsObjectStore;
let index: ImageIndex;
const logger = createLogger('silent');
const HOUR = 3_600_000;

beforeAll(async () => {
  r = await startTestRedis();
});
beforeEach(async () => {
  await r.client.flushall();
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-orphans-'));
  store = await FsObjectStore.open(dir);
  index = new ImageIndex(r.client);
});
afterAll(async () => {
  await r.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Stores an object and backdates it, as if a crash had left it there `ageMs` ago. */
async function putAged(key: string, ageMs: number, body = Buffer.from(key)): Promise<void> {
  await store.put(key, body);
  const then = new Date(Date.now() - ageMs);
  await utimes(join(dir, key), then, then);
}

function record(sha256: string): ImageRecord {
  const now = new Date().toISOString();
  return { id: newImageId(), sha256, format: 'jpeg', width: 1, height: 1, bytes: 1, orientation: 1, hasAlpha: false, frames: 1, status: 'ready', createdAt: now, updatedAt: now, variants: [], ownerId: 'owner', visibility: 'public', meta: { tags: [] }, revision: 0 };
}

const sentinelIntact = () => index.sentinel().then((s) => s !== undefined);

describe('sweepOrphans', () => {
  // Changed with issue 20: a manifest without a record used to be deleted with its original
  // ("removed orphaned objects: manifests 10, originals 10" after a failover). Now it is re-adopted.
  it('re-adopts an old manifest the index lacks (record, dedup, listing, job, event), and removes only originals no manifest uses', async () => {
    const kept = record('a'.repeat(64));
    await index.put(kept);
    await writeOriginalRef(store, kept);
    await putAged(originalKey(kept.sha256), 2 * HOUR);
    await putAged(manifestKey(kept.id), 2 * HOUR, Buffer.from(JSON.stringify(kept)));
    // Acknowledged, then lost by Redis (a failover to a replica that missed it): manifest, reference and original stay.
    // Minted the way uploads mint ids since sharding: in its dedup entry's shard.
    const lost = { ...record('b'.repeat(64)), id: newImageIdInShard(dedupShard(dedupKey({ ownerId: 'owner', sha256: 'b'.repeat(64) })), shardCount(), Date.now()) };
    await writeOriginalRef(store, lost);
    await putAged(originalKey(lost.sha256), 2 * HOUR);
    await putAged(manifestKey(lost.id), 2 * HOUR, Buffer.from(JSON.stringify(lost)));
    // An upload in progress right now.
    const young = record('c'.repeat(64));
    await putAged(originalKey(young.sha256), 0);
    await writeManifest(store, young);
    // An original nothing uses, and one whose only reference lost its manifest.
    const unused = '9'.repeat(64);
    await putAged(originalKey(unused), 2 * HOUR);
    const staleRef = record('8'.repeat(64));
    await writeOriginalRef(store, staleRef);
    await putAged(originalKey(staleRef.sha256), 2 * HOUR);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0, storageRefs: true });

    const result = await sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result).toEqual({ readopted: [lost.id], manifests: [], originals: [originalKey(staleRef.sha256), originalKey(unused)] });
    for (const key of [originalKey(kept.sha256), manifestKey(kept.id), originalKey(lost.sha256), manifestKey(lost.id), originalKey(young.sha256), manifestKey(young.id)]) {
      expect(await store.head(key)).toBeDefined();
    }
    expect(await index.get(lost.id)).toMatchObject({ id: lost.id, sha256: lost.sha256 });
    expect(await index.idForSha('owner', lost.sha256)).toBe(lost.id);
    expect(await r.client.zrange(redisKeys.ownerImages(shardOf(lost.id), 'owner'), 0, -1)).toContain(lost.id);
    expect(await r.client.hexists(redisKeys.resizeLive(shardOf(lost.id)), lost.id)).toBe(1);
    const events = await r.client.xrange(redisKeys.events(shardOf(lost.id)), '-', '+');
    expect(events.map(([id, f]) => parseEvent(id, f)).filter((e) => e?.type === 'image.created' && e.imageId === lost.id)).toHaveLength(1);
  });

  it('never deletes an original that a manifest in storage uses, even when Redis has no record or reference of it', async () => {
    const image = record('7'.repeat(64));
    await writeOriginalRef(store, image);
    await writeManifest(store, image);
    await putAged(originalKey(image.sha256), 2 * HOUR);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0, storageRefs: true });
    // The manifest is young (not re-adopted by this sweep): only its storage reference protects the original.
    const result = await sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result.originals).toEqual([]);
    expect(await store.head(originalKey(image.sha256))).toBeDefined();
  });

  it('folds a bare duplicate into the owner\'s older image of the same bytes; keeps a duplicate someone wrote on', async () => {
    const sha = '6'.repeat(64);
    const older = { ...record(sha), id: newImageId(Date.now() - 3 * HOUR) };
    const bare = { ...record(sha), id: newImageId(Date.now() - 2 * HOUR) };
    await index.put(older);
    for (const rec of [older, bare]) {
      await writeOriginalRef(store, rec);
      await putAged(manifestKey(rec.id), 2 * HOUR, Buffer.from(JSON.stringify(rec)));
    }
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0, storageRefs: true });
    const first = await sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(first).toMatchObject({ readopted: [], manifests: [manifestKey(bare.id)] });
    expect(await store.head(manifestKey(older.id))).toBeDefined();

    // The newer one was edited (revision 1): both stay, the dedup entry names the older.
    const edited = { ...record(sha), id: newImageId(Date.now() - 2 * HOUR), revision: 1, meta: { tags: [], title: 'mine' } };
    await writeOriginalRef(store, edited);
    await putAged(manifestKey(edited.id), 2 * HOUR, Buffer.from(JSON.stringify(edited)));
    const second = await sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(second).toMatchObject({ manifests: [] });
    expect(await index.get(edited.id)).toMatchObject({ revision: 1 });
    expect(await index.idForSha('owner', sha)).toBe(older.id);
    expect(await store.head(manifestKey(edited.id))).toBeDefined();
  });

  it('never deletes an original because Redis was wiped: without the sentinel nothing counts as unreferenced', async () => {
    const image = record('d'.repeat(64));
    await index.put(image);
    await putAged(originalKey(image.sha256), 2 * HOUR);
    await putAged(manifestKey(image.id), 2 * HOUR, Buffer.from(JSON.stringify(image)));
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0 });
    await r.client.flushall();

    const result = await sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result.skipped).toMatch(/not known intact/);
    expect(await store.head(originalKey(image.sha256))).toBeDefined();
    expect(await store.head(manifestKey(image.id))).toBeDefined();
  });

  it('stops before deleting when the index is wiped in the middle of the sweep', async () => {
    const image = record('e'.repeat(64));
    await index.put(image);
    await putAged(originalKey(image.sha256), 2 * HOUR);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0, storageRefs: true });
    let pages = 0;
    const wipeOnSecondPage = async () => {
      // The manifests pass, then Redis loses everything before the originals are looked at.
      if (++pages === 2) await r.client.flushall();
    };
    await expect(
      sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact, onPage: wipeOnSecondPage }, { safeAgeMs: HOUR }),
    ).rejects.toThrow(/index was lost/);
    expect(await store.head(originalKey(image.sha256))).toBeDefined();
  });

  it('removes nothing while the index was built with unreadable manifests', async () => {
    await putAged(originalKey('f'.repeat(64)), 2 * HOUR);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 1 });
    const result = await sweepOrphans({ redis: r.client, index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result.skipped).toMatch(/unreadable/);
    expect(await store.head(originalKey('f'.repeat(64)))).toBeDefined();
  });
});
