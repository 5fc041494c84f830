import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../services/core/logger.js';
import { ImageIndex } from '../../services/images/image-index.js';
import { IndexGuard } from '../../services/images/index-guard.js';
import { reindex } from '../../services/images/reindex.js';
import { createRedisClient } from '../../services/redis/redis-client.js';
import { FsObjectStore } from '../../services/storage/fs-store.js';
import { findClusterPort, startRedisProcess, type RedisProcess } from '../helpers/redis-process.js';

/**
 * The write gate's index check when the sentinel's slot cannot answer (its cluster primary is
 * failing over): a sentinel seen a moment ago vouches for the index, so the writes of every
 * other shard are not refused with it; the strict check (the orphan sweep's) still fails.
 */
let server: RedisProcess;
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-guard-'));
  server = await startRedisProcess(await findClusterPort(), dir, ['--save', '', '--appendonly', 'no']);
});
afterAll(async () => {
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

it('lets writes through while the sentinel is unreachable if it was seen lately; the strict check still fails', async () => {
  const logger = createLogger('silent');
  const redis = createRedisClient(`redis://127.0.0.1:${server.port}`, logger, 'guard-test');
  try {
    const index = new ImageIndex(redis);
    const store = await FsObjectStore.open(join(dir, 'objects'));
    // The records alone: this test never gets as far as a rebuild.
    const rebuild = (onPage: () => Promise<void>) => reindex(store, index, logger, { redis, onPage });
    const guard = new IndexGuard({ redis, index, store, logger }, { checkIntervalMs: 0, owner: 'test', rebuild });
    await index.markBuilt({ builtAt: new Date().toISOString(), unreadable: 0, storageRefs: true });
    expect(await guard.confirmIntactForWrite()).toBe(true);
    await server.kill();
    await expect(guard.confirmIntact()).rejects.toThrow();
    expect(await guard.confirmIntactForWrite()).toBe(true);
    // A guard that never saw the sentinel has nothing to vouch with.
    const fresh = new IndexGuard({ redis, index, store, logger }, { checkIntervalMs: 0, owner: 'test-2', rebuild });
    await expect(fresh.confirmIntactForWrite()).rejects.toThrow();
  } finally {
    redis.disconnect();
  }
});
