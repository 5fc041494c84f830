/**
 * `npm run bench:keyspace-upgrade`: the time to move a deployment from the keyspace before
 * sharding to the sharded one, per 10,000 images, on a private redis-server and an fs store of
 * its own. The old layout is written as the code before issue 20 wrote it (records, id index,
 * owner listings, dedup, references, a retained event per image); the upgrade then copies the
 * events into their shards, removes the old keys, and the index is rebuilt from the manifests
 * (the same `reindex` the index guard runs). Prints figures; asserts nothing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '../services/core/logger.js';
import { newImageId } from '../services/core/ids.js';
import { dedupKey } from '../services/core/dedup-key.js';
import { ImageIndex } from '../services/images/image-index.js';
import type { ImageRecord } from '../services/images/image-record.js';
import { recordToHash } from '../services/images/record-hash.js';
import { writeManifest } from '../services/images/manifest-store.js';
import { upgradeKeyspace } from '../services/images/keyspace-upgrade.js';
import { reindex } from '../services/images/reindex.js';
import { eventFields } from '../services/events/event-log.js';
import { legacyKeys } from '../services/redis/legacy-keys.js';
import { setShardCount } from '../services/redis/keys.js';
import { startPrivateRedis } from '../services/redis/private-redis.js';
import { FsObjectStore } from '../services/storage/fs-store.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const OWNERS = 100;
setShardCount(16);

const dir = await mkdtemp(join(tmpdir(), 'imgsvc-bench-upgrade-'));
const server = await startPrivateRedis(join(dir, 'redis'), { persist: false });
const redis = new Redis(server.url);
const store = await FsObjectStore.open(join(dir, 'objects'));
const logger = createLogger('silent');

try {
  const t0 = Date.now() - IMAGES * 1000;
  const records: ImageRecord[] = Array.from({ length: IMAGES }, (_, i) => {
    const at = new Date(t0 + i * 1000).toISOString();
    return {
      id: newImageId(t0 + i * 1000),
      ownerId: `OWNER${i % OWNERS}`,
      visibility: i % 3 === 0 ? 'public' : 'private',
      sha256: i.toString(16).padStart(64, '0'),
      format: 'jpeg', width: 1200, height: 800, bytes: 200_000, orientation: 1, hasAlpha: false, frames: 1,
      status: 'ready', createdAt: at, updatedAt: at, variants: [],
      meta: { tags: i % 2 ? ['sea'] : [], title: `photo ${i}` },
      revision: 1,
    } as unknown as ImageRecord;
  });
  for (let i = 0; i < IMAGES; i += 500) await Promise.all(records.slice(i, i + 500).map((r) => writeManifest(store, r)));
  // The old layout, as the code before sharding wrote it.
  for (let i = 0; i < IMAGES; i += 500) {
    const p = redis.pipeline();
    for (const r of records.slice(i, i + 500)) {
      p.hset(legacyKeys.image(r.id), recordToHash(r)).zadd(legacyKeys.allImages, 0, r.id).zadd(legacyKeys.ownerImages(r.ownerId), 0, r.id);
      if (r.visibility === 'public') p.zadd(legacyKeys.ownerPublic(r.ownerId), 0, r.id);
      for (const tag of r.meta.tags) p.zadd(legacyKeys.ownerTag(r.ownerId, tag), 0, r.id);
      p.set(legacyKeys.byDedupKey(dedupKey(r)), r.id).sadd(legacyKeys.shaRefs(r.sha256), r.id);
      p.xadd(legacyKeys.events, '*', ...eventFields({ type: 'image.created', ownerId: r.ownerId, imageId: r.id, data: {} }));
    }
    await p.exec();
  }
  await redis.set('imgsvc:index:built', JSON.stringify({ builtAt: new Date().toISOString(), unreadable: 0 }));
  await redis.xgroup('CREATE', legacyKeys.events, 'notifications', '$');
  const keysBefore = await redis.dbsize();

  const started = performance.now();
  const moved = await upgradeKeyspace({ redis, logger }, 16);
  const upgradedAt = performance.now();
  const result = await reindex(store, new ImageIndex(redis), logger);
  const done = performance.now();
  const per10k = (ms: number) => ((ms * 10_000) / IMAGES).toFixed(0);
  console.log(`bench:keyspace-upgrade: ${IMAGES.toLocaleString('en')} images of ${OWNERS} owners (${keysBefore.toLocaleString('en')} old keys, ${moved.events.toLocaleString('en')} retained events)`);
  console.log(`  copy events to their shards + remove old keys: ${(upgradedAt - started).toFixed(0)} ms (${per10k(upgradedAt - started)} ms per 10,000 images; ${moved.removed.toLocaleString('en')} keys removed)`);
  console.log(`  rebuild the sharded index from the manifests:  ${(done - upgradedAt).toFixed(0)} ms (${per10k(done - upgradedAt)} ms per 10,000 images; ${result.restored.toLocaleString('en')} restored)`);
  console.log(`  total: ${(done - started).toFixed(0)} ms, ${per10k(done - started)} ms per 10,000 images (the machine is shared: indicative)`);
} finally {
  redis.disconnect();
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}
