import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { redisKeys, setShardCount } from '../redis/keys.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import { hasLegacyKeyspace, upgradeKeyspace } from './keyspace-upgrade.js';
import { INDEX_LAYOUT, upgradeIndexLayout } from './index-layout.js';

/** What an install records about its keyspace: in storage (the truth) and in Redis. */
export interface KeyspaceMeta {
  /** 2: the sharded keyspace (issue 20); 3: its compact index (index-layout.ts). The layout before sharding had no record. */
  layout: 2 | 3;
  shards: number;
  createdAt: string;
}

/** Where the install's keyspace description lives in storage. */
export const KEYSPACE_META_KEY = 'meta/keyspace.json';

/** The command that rebuilds the keyspace with another shard count (named by the refusal). */
export const RESHARD_COMMAND = 'imgsvc reindex --reshard';

export class ShardCountChanged extends Error {
  constructor(
    readonly stored: number,
    readonly configured: number,
  ) {
    super(
      `IMGSVC_REDIS_SHARDS is ${configured} but this install's keyspace was built with ${stored} shards (${KEYSPACE_META_KEY}): ` +
        `image ids map to shards by that count, so changing it moves every image. Set IMGSVC_REDIS_SHARDS=${stored} again, ` +
        `or stop every process and run \`IMGSVC_REDIS_SHARDS=${configured} ${RESHARD_COMMAND}\` to rebuild the keyspace from storage with ${configured} shards.`,
    );
    this.name = 'ShardCountChanged';
  }
}

export async function readStoredMeta(store: ObjectStore): Promise<KeyspaceMeta | undefined> {
  try {
    return JSON.parse((await store.getBuffer(KEYSPACE_META_KEY)).toString('utf8')) as KeyspaceMeta;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

async function readRedisMeta(redis: Redis): Promise<KeyspaceMeta | undefined> {
  const raw = await redis.get(redisKeys.keyspaceMeta);
  return raw ? (JSON.parse(raw) as KeyspaceMeta) : undefined;
}

export async function writeMeta(redis: Redis, store: ObjectStore, shards: number, createdAt = new Date().toISOString()): Promise<KeyspaceMeta> {
  const meta: KeyspaceMeta = { layout: INDEX_LAYOUT, shards, createdAt };
  await store.put(KEYSPACE_META_KEY, Buffer.from(JSON.stringify(meta)), { contentType: 'application/json' });
  await redis.set(redisKeys.keyspaceMeta, JSON.stringify(meta));
  return meta;
}

/**
 * At start-up, before anything reads or writes the index: the shard count is the one the
 * install was built with (refused otherwise, naming the rebuild), a Redis still on the layout
 * before sharding is upgraded (keyspace-upgrade.ts), an index of the sharded layout's first
 * cut is converted to the compact one (index-layout.ts), and a fresh install records its count.
 * What `upgraded` reports is for the log and the tests.
 */
export async function prepareKeyspace(deps: { redis: Redis; store: ObjectStore; logger: Logger }, shards: number): Promise<{ upgraded: boolean }> {
  const [stored, indexed] = await Promise.all([readStoredMeta(deps.store), readRedisMeta(deps.redis)]);
  for (const meta of [stored, indexed]) if (meta && meta.shards !== shards) throw new ShardCountChanged(meta.shards, shards);
  // Every key builder places keys by this count from here on (redis/keys.ts).
  setShardCount(shards);
  let upgraded = false;
  if (!indexed && (await hasLegacyKeyspace(deps.redis))) {
    await upgradeKeyspace(deps, shards);
    upgraded = true;
  }
  const oldLayout = indexed !== undefined && (indexed.layout ?? 2) < INDEX_LAYOUT;
  if (oldLayout) await upgradeIndexLayout(deps);
  if (!stored || !indexed || oldLayout || stored.layout !== INDEX_LAYOUT) await writeMeta(deps.redis, deps.store, shards, stored?.createdAt ?? indexed?.createdAt);
  return { upgraded };
}
