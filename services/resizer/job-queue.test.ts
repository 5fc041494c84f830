import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { xpendingAll, xrangeAll } from '../../test/helpers/shards.js';
import { JobQueue, RESIZE_GROUP } from './job-queue.js';

let r: TestRedis;
let queue: JobQueue;
beforeAll(async () => {
  r = await startTestRedis();
});
afterAll(async () => {
  await r.stop();
});
beforeEach(async () => {
  await r.client.flushall();
  queue = new JobQueue(r.client);
  await queue.ensureGroup();
});

describe('JobQueue against a real Redis', () => {
  it('creates its group idempotently and from the start of the stream', async () => {
    await r.client.del(redisKeys.resizeStream(shardOf('A')));
    await queue.enqueue('A', 'a'.repeat(64)); // enqueued before any group exists
    await queue.ensureGroup();
    await queue.ensureGroup();
    const jobs = await queue.read(r.client, 'c1', 10, 10);
    expect(jobs.map((j) => j.imageId)).toEqual(['A']);
  });

  it('delivers each job to one consumer, and reclaims it with its delivery count once idle', async () => {
    await queue.enqueue('A', 'a'.repeat(64));
    const first = await queue.read(r.client, 'c1', 10, 10);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ imageId: 'A', deliveries: 1 });
    expect(await queue.read(r.client, 'c2', 10, 10)).toEqual([]);
    // Not idle long enough yet.
    expect(await queue.reclaim('c2', 60_000, 10)).toEqual([]);
    await new Promise((res) => setTimeout(res, 30));
    const reclaimed = await queue.reclaim('c2', 20, 10);
    expect(reclaimed).toHaveLength(1);
    expect(reclaimed[0]).toMatchObject({ imageId: 'A', deliveries: 2, messageId: first[0]!.messageId });
    expect(await queue.stats()).toMatchObject({ lag: 0, pending: 1 });
  });

  it('acknowledges, dead-letters with the reason, and reports lag, pending and dead letters', async () => {
    await queue.enqueue('A', 'a'.repeat(64));
    await queue.enqueue('B', 'b'.repeat(64));
    await queue.enqueue('C', 'c'.repeat(64));
    expect(await queue.stats()).toEqual({ lag: 3, pending: 0, deadLetters: 0 });
    // Jobs of several shards come in shard turn, not enqueue order: whichever two were read.
    const [a, b] = await queue.read(r.client, 'c1', 2, 10);
    const unread = ['A', 'B', 'C'].find((id) => id !== a!.imageId && id !== b!.imageId)!;
    expect(await queue.hasLiveJob(a!.imageId)).toBe(true);
    expect(await queue.hasLiveJob(unread)).toBe(true);
    await queue.ack(a!.messageId, a!.imageId);
    await queue.deadLetter(b!, 'cannot decode');
    expect(await queue.hasLiveJob(a!.imageId)).toBe(false);
    expect(await queue.hasLiveJob(b!.imageId)).toBe(false);
    expect(await queue.stats()).toEqual({ lag: 1, pending: 0, deadLetters: 1 });
    const dead = await r.client.xrange(redisKeys.resizeDeadStream(shardOf(b!.imageId)), '-', '+');
    expect(dead[0]?.[1]).toEqual(expect.arrayContaining(['image', b!.imageId, 'reason', 'cannot decode', 'deliveries', '1']));
  });

  it('trims what every consumer is done with, keeping pending and undelivered jobs', async () => {
    for (const id of ['A', 'B', 'C', 'D']) await queue.enqueue(id, 'a'.repeat(64));
    const [a, b, c] = await queue.read(r.client, 'c1', 3, 10);
    await queue.ack(a!.messageId, a!.imageId);
    await queue.ack(c!.messageId, c!.imageId);
    await queue.trim();
    const left = await xrangeAll(r.client, redisKeys.resizeStream);
    // The pending job and the undelivered one stay; acknowledged ones may go (each shard's
    // stream is trimmed on its own, approximately).
    const unread = ['A', 'B', 'C', 'D'].find((id) => ![a, b, c].some((j) => j!.imageId === id))!;
    expect(left.map((e) => e[0])).toEqual(expect.arrayContaining([b!.messageId]));
    expect(left.map((e) => e[1][1])).toEqual(expect.arrayContaining([b!.imageId, unread]));
    expect(left.length).toBeGreaterThanOrEqual(2);
    expect(await xpendingAll(r.client, redisKeys.resizeStream, RESIZE_GROUP)).toBe(1);
  });

  it('reports every entry as lag when the group is gone (Redis lost it), not a misleading zero', async () => {
    await r.client.flushall();
    await queue.enqueue('A', 'a'.repeat(64));
    await queue.enqueue('B', 'b'.repeat(64));
    expect((await queue.stats()).lag).toBe(2);
  });
});
