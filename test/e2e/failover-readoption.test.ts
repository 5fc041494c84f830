import { readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allShards } from '../../services/core/shards.js';
import { redisKeys, shardCount } from '../../services/redis/keys.js';
import { parseEvent } from '../../services/events/event-log.js';
import { recordFromHash } from '../../services/images/record-hash.js';
import { manifestKey } from '../../services/storage/keys.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes } from '../helpers/http.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { attachReplica, promote } from '../helpers/redis-replica.js';
import { startTestService, storedKeys, type TestService } from '../helpers/service.js';

/**
 * Issue 20's reproduction, with real replication: 20 uploads answered 201, the replica missed
 * the last 10, and the fleet's Redis became that replica's data. Nothing acknowledged may be
 * lost, deleted or duplicated.
 */
let t: TestService;
let replica: TestRedis;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_REPAIR_INTERVAL_SECONDS: '1', IMGSVC_ORPHAN_SAFE_AGE_SECONDS: '60', IMGSVC_RESIZE_CONCURRENCY: '2' });
  replica = await startTestRedis();
  alice = await createUser(t.url, t.adminKey, 'alice-failover');
  bob = await createUser(t.url, t.adminKey, 'bob-failover');
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await replica?.stop();
});

const photo = readFile(corpusPath('photos/tower_progressive.jpg'));
const bytesFor = async (n: number) => Buffer.concat([await photo, Buffer.from(`failover-${n}`)]);

async function uploadReady(n: number): Promise<string> {
  const up = await uploadBytes(t.url, await bytesFor(n), 'image/jpeg', alice.key, n % 2 ? '?visibility=private' : '?visibility=public');
  expect(up.status).toBe(201);
  const id = up.body.id as string;
  await vi.waitFor(async () => expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).body.status).toBe('ready'), { timeout: 60_000, interval: 100 });
  return id;
}

/** Backdates a manifest, as if the upload had happened long before the failover. */
async function age(id: string): Promise<void> {
  const then = new Date(Date.now() - 2 * 3_600_000);
  await utimes(join(t.dataDir, 'objects', manifestKey(id)), then, then);
}

describe('a failover to a replica that missed the last acknowledged uploads', () => {
  it('serves every acknowledged upload at once, re-adopts it (ready within 60 s), deletes none, duplicates none', async () => {
    await attachReplica(t.redis, replica);
    const first: string[] = [];
    for (let n = 0; n < 10; n++) first.push(await uploadReady(n));
    await attachReplica(t.redis, replica); // caught up with the first 10
    await promote(replica); // from here on the replica misses everything
    const last: string[] = [];
    for (let n = 10; n < 20; n++) last.push(await uploadReady(n));

    // The fleet moves to the promoted replica: the primary's data becomes the replica's.
    await attachReplica(replica, t.redis);
    await promote(t.redis);
    for (const id of last) expect(await t.redis.client.exists(redisKeys.image(id))).toBe(0);
    for (const id of first) expect(await t.redis.client.exists(redisKeys.image(id))).toBe(1);

    // Half of the lost ones are read right away (served from storage, re-adopted by the read);
    // the other half are old and never read: the repair sweep re-adopts them, never deletes them.
    const [read, unread] = [last.slice(0, 5), last.slice(5)];
    for (const id of unread) await age(id);
    // Re-uploading a lost image's bytes gives that image back, not a duplicate.
    const again = await uploadBytes(t.url, await bytesFor(10), 'image/jpeg', alice.key);
    expect([again.status, again.body.id]).toEqual([200, last[0]]);
    for (const id of read) {
      expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).status).toBe(200);
      const isPrivate = last.indexOf(id) % 2 === 1;
      if (!isPrivate) expect((await getBytes(`${t.url}/i/${id}?w=100`, { accept: 'image/webp' })).status).toBe(200);
      // Access is unchanged: a stranger gets the same 404 as for an unknown id for a private one.
      expect((await api(t.url, 'GET', `/v1/images/${id}`, bob.key)).status).toBe(isPrivate ? 404 : 200);
      if (isPrivate) expect((await getBytes(`${t.url}/i/${id}?w=100`)).status).toBe(404);
    }

    await vi.waitFor(
      async () => {
        for (const id of last) expect(recordFromHash(id, await t.redis.client.hgetall(redisKeys.image(id)))?.status).toBe('ready');
      },
      { timeout: 60_000, interval: 250 },
    );
    const all = [...first, ...last];
    for (const id of all) expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).body).toMatchObject({ id, status: 'ready' });
    const stored = await storedKeys(t);
    expect(stored.filter((k) => k.startsWith('manifests/')).sort()).toEqual(all.map(manifestKey).sort());
    expect(stored.filter((k) => k.startsWith('originals/'))).toHaveLength(20);
    // One image per upload in the owner's listing: none lost, none twice.
    const listed = (await Promise.all(allShards(shardCount()).map((s) => t.redis.client.zrange(redisKeys.ownerImages(s, alice.id), 0, -1)))).flat();
    expect([...listed].sort()).toEqual([...all].sort());
    // Each lost image's `image.created` is back on the event stream, once.
    const events = (await Promise.all(allShards(shardCount()).map((s) => t.redis.client.xrange(redisKeys.events(s), '-', '+')))).flat().map(([entryId, fields]) => parseEvent(entryId, fields));
    for (const id of last) expect(events.filter((e) => e?.type === 'image.created' && e.imageId === id).length).toBe(1);
  }, 240_000);

  it('builds an edit on the stored record when the index lost the one before it', async () => {
    const id = await uploadReady(40);
    await attachReplica(t.redis, replica); // the replica holds the image
    await promote(replica); // and misses what follows
    const lost = await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { title: 'acknowledged, then lost by Redis' });
    expect(lost.status).toBe(200);
    await attachReplica(replica, t.redis);
    await promote(t.redis); // the fleet's Redis is the replica's data: the title is gone from the index
    expect(recordFromHash(id, await t.redis.client.hgetall(redisKeys.image(id)))?.meta.title).toBeUndefined();
    const next = await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { description: 'the edit after the failover' });
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ title: 'acknowledged, then lost by Redis', description: 'the edit after the failover' });
    expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).body).toMatchObject({ title: 'acknowledged, then lost by Redis', description: 'the edit after the failover' });
  }, 120_000);
});
