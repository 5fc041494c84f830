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
  it('removes old unreferenced originals and manifests; keeps referenced ones and young ones', async () => {
    const kept = record('a'.repeat(64));
    await index.put(kept);
    await putAged(originalKey(kept.sha256), 2 * HOUR);
    await putAged(manifestKey(kept.id), 2 * HOUR, Buffer.from(JSON.stringify(kept)));
    // A crash between storing the upload and the index write: original and manifest, no record.
    const crashed = record('b'.repeat(64));
    await putAged(originalKey(crashed.sha256), 2 * HOUR);
    await putAged(manifestKey(crashed.id), 2 * HOUR, Buffer.from(JSON.stringify(crashed)));
    // An upload in progress right now.
    const young = record('c'.repeat(64));
    await putAged(originalKey(young.sha256), 0);
    await writeManifest(store, young);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0 });

    const result = await sweepOrphans({ index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result).toEqual({ manifests: [manifestKey(crashed.id)], originals: [originalKey(crashed.sha256)] });
    for (const key of [originalKey(kept.sha256), manifestKey(kept.id), originalKey(young.sha256), manifestKey(young.id)]) {
      expect(await store.head(key)).toBeDefined();
    }
  });

  it('never deletes an original because Redis was wiped: without the sentinel nothing counts as unreferenced', async () => {
    const image = record('d'.repeat(64));
    await index.put(image);
    await putAged(originalKey(image.sha256), 2 * HOUR);
    await putAged(manifestKey(image.id), 2 * HOUR, Buffer.from(JSON.stringify(image)));
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0 });
    await r.client.flushall();

    const result = await sweepOrphans({ index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result.skipped).toMatch(/not known intact/);
    expect(await store.head(originalKey(image.sha256))).toBeDefined();
    expect(await store.head(manifestKey(image.id))).toBeDefined();
  });

  it('stops before deleting when the index is wiped in the middle of the sweep', async () => {
    const image = record('e'.repeat(64));
    await index.put(image);
    await putAged(originalKey(image.sha256), 2 * HOUR);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0 });
    let pages = 0;
    const wipeOnSecondPage = async () => {
      // The manifests pass, then Redis loses everything before the originals are looked at.
      if (++pages === 2) await r.client.flushall();
    };
    await expect(
      sweepOrphans({ index, store, logger, confirmIntact: sentinelIntact, onPage: wipeOnSecondPage }, { safeAgeMs: HOUR }),
    ).rejects.toThrow(/index was lost/);
    expect(await store.head(originalKey(image.sha256))).toBeDefined();
  });

  it('removes nothing while the index was built with unreadable manifests', async () => {
    await putAged(originalKey('f'.repeat(64)), 2 * HOUR);
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 1 });
    const result = await sweepOrphans({ index, store, logger, confirmIntact: sentinelIntact }, { safeAgeMs: HOUR });
    expect(result.skipped).toMatch(/unreadable/);
    expect(await store.head(originalKey('f'.repeat(64)))).toBeDefined();
  });
});
