import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { FsObjectStore } from '../../services/storage/fs-store.js';
import { startTestRedis, type TestRedis } from './redis.js';

export interface RedisAndStore {
  /** A client of the file's own `redis-server`, flushed before each test. */
  readonly redis: Redis;
  /** A folder store of its own for each test. */
  readonly store: FsObjectStore;
}

/**
 * The setup of the tests that hold an index against its storage: one real Redis for the file,
 * emptied before each test, and a new `FsObjectStore` folder (named with `prefix`) for each
 * test. Registers its own hooks; read `redis` and `store` inside tests and hooks.
 */
export function useRedisAndStore(prefix: string): RedisAndStore {
  let server: TestRedis | undefined;
  let dir: string | undefined;
  let store: FsObjectStore | undefined;
  beforeAll(async () => {
    server = await startTestRedis();
  });
  beforeEach(async () => {
    await server!.client.flushall();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = await mkdtemp(join(tmpdir(), prefix));
    store = await FsObjectStore.open(dir);
  });
  afterAll(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return {
    get redis() {
      return server!.client;
    },
    get store() {
      return store!;
    },
  };
}
