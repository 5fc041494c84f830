import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { createLogger } from '../../services/core/logger.js';
import { newImageIdInShard } from '../../services/core/shards.js';
import { EventConsumer } from '../../services/events/event-consumer.js';
import { EventSink } from '../../services/events/event-sink.js';
import { newEvent } from '../../services/events/event-payloads.js';
import { dedupKey } from '../../services/core/dedup-key.js';
import { ImageIndex } from '../../services/images/image-index.js';
import type { ImageRecord } from '../../services/images/image-record.js';
import { InvalidationBus } from '../../services/redis/invalidation-bus.js';
import { dedupShard, shardCount, shardOf } from '../../services/redis/keys.js';
import { createRedisClient } from '../../services/redis/redis-client.js';
import { dedicatedConnection, masterNodes } from '../../services/redis/redis-nodes.js';
import { JobQueue } from '../../services/resizer/job-queue.js';
import { waitForRedis } from '../../services/runtime/wait-for-redis.js';
import { startRedisCluster, type TestRedisCluster } from '../helpers/redis-cluster.js';

const logger = createLogger('silent');

function record(ownerId: string, n: number): ImageRecord {
  const sha256 = n.toString(16).padStart(64, '0');
  const id = newImageIdInShard(dedupShard(dedupKey({ ownerId, sha256 })), shardCount());
  const at = new Date().toISOString();
  return {
    id, ownerId, sha256, visibility: n % 2 ? 'public' : 'private', format: 'jpeg', width: 10, height: 10, bytes: 100,
    orientation: 1, hasAlpha: false, frames: 1, status: 'processing', createdAt: at, updatedAt: at, variants: [],
    // No title or tags: the search entries queued on the same MULTI are h-search's keys (issue 20,
    // search owned by another branch); tag listings are covered by services/redis/slots.test.ts.
    meta: { tags: [] }, revision: 0,
  } as ImageRecord;
}

describe('the sharded keyspace on a real Redis Cluster (3 primaries, 3 replicas)', () => {
  let cluster: TestRedisCluster;
  let redis: Redis;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    redis = createRedisClient(cluster.url, logger, 'test');
    await waitForRedis(redis, cluster.url, 20_000);
  }, 120_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
  });

  it('runs the upload pivot, record updates and removal for one tenant over every primary', async () => {
    const index = new ImageIndex(redis, new EventSink());
    const owner = 'TENANT';
    const records = Array.from({ length: 64 }, (_, n) => record(owner, n));
    for (const r of records) expect((await index.createAndEnqueue(r, owner)).created).toBe(true);
    // Again: the dedup entry answers with the same image.
    expect(await index.createAndEnqueue({ ...records[0]!, id: newImageIdInShard(shardOf(records[0]!.id), shardCount()) })).toEqual({ created: false, existingId: records[0]!.id });
    for (const r of records.slice(0, 8)) await index.update({ ...r, visibility: r.visibility === 'public' ? 'private' : 'public', deletedAt: new Date().toISOString(), revision: 1 }, r);
    await index.remove(records[63]!.id);
    expect((await index.getMany(records.map((r) => r.id))).filter(Boolean)).toHaveLength(63);
    expect(await index.isOriginalReferenced(records[1]!.sha256)).toBe(true);
    // One tenant's keys are on every primary.
    const perNode = await Promise.all(masterNodes(redis).map((n) => n.keys('imgsvc:{s*}:img:*')));
    expect(perNode.every((keys) => keys.length > 0)).toBe(true);
  });

  it('consumes the resize jobs and the events of every shard, and sums the lag', async () => {
    const queue = new JobQueue(redis);
    await queue.ensureGroup();
    expect((await queue.stats()).lag).toBe(64);
    const reader = dedicatedConnection(redis, 'test-reader');
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 64; i++) for (const job of await queue.read(reader, 'c1', 16, 50)) {
      seen.add(job.imageId);
      await queue.ack(job.messageId, job.imageId);
    }
    expect(seen.size).toBe(64);
    expect((await queue.stats()).lag).toBe(0);

    const events = new EventConsumer(redis, reader, { group: 'test', consumer: 'c1', blockMs: 50 });
    await events.ensureGroup();
    const types: string[] = [];
    for (let i = 0; i < 40; i++) await events.poll(async (batch) => void types.push(...batch.map((e) => e.type)));
    expect(types.filter((t) => t === 'image.created')).toHaveLength(64);
    reader.disconnect();
  });

  it('delivers cache invalidations over sharded pub/sub', async () => {
    const a = new InvalidationBus(redis, logger);
    const b = new InvalidationBus(redis, logger);
    const heard: string[] = [];
    b.on('image', (id) => heard.push(id));
    await a.start();
    await b.start();
    await vi.waitFor(async () => {
      await a.publish('image', 'X1');
      expect(heard).toContain('X1');
    }, { timeout: 10_000, interval: 200 });
    await a.stop();
    await b.stop();
  });

  it('appends an event in the shard of its image', async () => {
    const sink = new EventSink();
    const tx = redis.multi();
    sink.queue(tx, [newEvent('image.updated', { ownerId: 'o', imageId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' }, { revision: 1, changed: [] })]);
    await tx.exec();
  });
});
