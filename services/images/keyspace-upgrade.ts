import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { eventShard, parseEvent } from '../events/event-log.js';
import { legacyKeys, LEGACY_PATTERNS } from '../redis/legacy-keys.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { scanAll } from '../redis/redis-nodes.js';
import { SlotBatch } from '../redis/slot-pipeline.js';
import { compareStreamIds } from '../events/event-query.js';

/** Signs of the layout before sharding: its id index or its event stream. */
export async function hasLegacyKeyspace(redis: Redis): Promise<boolean> {
  const [images, events, users] = await Promise.all([redis.exists(legacyKeys.allImages), redis.exists(legacyKeys.events), redis.exists(legacyKeys.resizeStream)]);
  return images + events + users > 0;
}

/**
 * Moves a Redis from the layout before sharding to this one, losing nothing a user wrote:
 *
 * 1. The events still retained are copied, in order and with their ids, into their shards'
 *    streams, and every consumer group (notifications, webhooks) is created on every shard at
 *    the point it had reached (before its oldest unacknowledged entry), so no event is
 *    delivered twice or skipped.
 * 2. The old keys are removed (SCAN on every primary, UNLINK in batches), including the
 *    index-built sentinel: the index guard then rebuilds the whole index from storage (users,
 *    keys, grants, albums, favorites, comments, records, listings, dedup), reads fall back to
 *    the manifests meanwhile, and the repair sweep after the rebuild re-enqueues images still
 *    processing (their old jobs went with the old stream).
 *
 * Old image ids keep working: an id maps to its shard by hash (core/shards.ts), so `/i/<id>`
 * finds its record in the rebuilt shard. Analytics under the old key shapes are dropped (the
 * one thing allowed to be lost with Redis).
 */
export async function upgradeKeyspace(deps: { redis: Redis; logger: Logger }, shards: number): Promise<{ events: number; removed: number; ms: number }> {
  const started = Date.now();
  const { redis, logger } = deps;
  logger.warn({ shards }, 'Redis holds the keyspace before sharding: upgrading (events copied, index rebuilt from storage)');
  const events = await copyEvents(redis);
  let removed = 0;
  for (const pattern of [...LEGACY_PATTERNS, redisKeys.indexBuilt]) {
    for await (const keys of scanAll(redis, pattern, 1000)) {
      // One key per command, grouped by slot: the old keys have no common slot.
      const batch = new SlotBatch(redis);
      for (const key of keys) batch.on(key).unlink(key);
      await batch.exec();
      removed += keys.length;
    }
  }
  const ms = Date.now() - started;
  logger.warn({ events, removed, ms }, 'keyspace upgraded: old keys removed; the index is rebuilt from storage now');
  return { events, removed, ms };
}

type Entry = [string, string[]];

async function copyEvents(redis: Redis): Promise<number> {
  const old = legacyKeys.events;
  if ((await redis.exists(old)) === 0) return 0;
  const groups = ((await redis.xinfo('GROUPS', old)) as unknown[][]).map(pairs);
  let copied = 0;
  for (let after = '-'; ; ) {
    const entries = (await redis.xrange(old, after, '+', 'COUNT', 1000)) as Entry[];
    if (entries.length === 0) break;
    // One pipeline per shard's stream for the page: each keeps the entries' order.
    const batch = new SlotBatch(redis);
    for (const [id, fields] of entries) {
      const e = parseEvent(id, fields);
      const stream = redisKeys.events(e ? eventShard(e) : 0);
      // The same id: streams start empty and the copy goes in order, so each shard's ids grow.
      batch.on(stream).xadd(stream, id, ...fields);
      copied++;
    }
    const failed = (await batch.exec()).find(([err]) => err !== null);
    if (failed) throw failed[0];
    after = `(${entries[entries.length - 1]![0]}`;
  }
  for (const g of groups) {
    const name = String(g.name);
    const pending = (await redis.xpending(old, name)) as [number, string | null, string | null, unknown];
    // Resume where the group was: after its last delivery, or before its oldest unacknowledged entry.
    let from = String(g['last-delivered-id'] ?? '0-0');
    if (pending[1] && compareStreamIds(pending[1], from) <= 0) from = previousId(pending[1]);
    for (let s = 0; s < shardCount(); s++) {
      try {
        await redis.xgroup('CREATE', redisKeys.events(s), name, from, 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
      }
    }
  }
  return copied;
}

function previousId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  if (seq !== '0') return `${ms}-${BigInt(seq) - 1n}`;
  return `${BigInt(ms) - 1n}-18446744073709551615`;
}

function pairs(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}

/**
 * `imgsvc reindex --reshard`: every key placed by shard goes (records, listings, dedup, streams,
 * albums, comments: all rebuilt from storage next; jobs come back through the repair sweep;
 * retained events and consumer positions do not survive a reshard), and the meta with it.
 */
export async function clearShardedKeys(redis: Redis): Promise<number> {
  let removed = 0;
  for (const pattern of ['imgsvc:{s*', redisKeys.keyspaceMeta, redisKeys.indexBuilt]) {
    for await (const keys of scanAll(redis, pattern, 1000)) {
      const batch = new SlotBatch(redis);
      for (const key of keys) batch.on(key).unlink(key);
      await batch.exec();
      removed += keys.length;
    }
  }
  return removed;
}
