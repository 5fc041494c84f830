import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../services/core/config.js';
import { createLogger } from '../../services/core/logger.js';
import { publicEventId } from '../../services/events/event-id.js';
import { compareStreamIds } from '../../services/events/event-query.js';
import { KEYSPACE_META_KEY } from '../../services/images/keyspace-meta.js';
import { LEGACY_PATTERNS } from '../../services/redis/legacy-keys.js';
import { startService, type ServiceHandle } from '../../services/runtime/start-service.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { rememberKey } from '../helpers/auth.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * The upgrade from the keyspace before sharding: a deployment whose Redis holds the old layout
 * starts this version, which rebuilds the sharded keyspace from storage and removes the old
 * keys; every id, URL, listing, album, comment, favorite, grant and retained event is still there.
 * The old layout is made from a live one by moving each key to its old name (what the code
 * before issue 20 wrote), so the test needs no second build of the old code.
 */
let t: TestService;
const logger = createLogger('silent');
beforeAll(async () => {
  t = await startTestService({ IMGSVC_RESIZE_CONCURRENCY: '2' });
}, 60_000);
afterAll(async () => {
  await t.stop();
});

async function restart(env: Record<string, string> = {}): Promise<ServiceHandle> {
  return startService(loadConfig({ IMGSVC_PORT: '0', ...t.env, ...env }), { logger });
}

/** The legacy name of a key of the sharded layout, or undefined to drop it (locks, the meta). */
function legacyName(key: string): string | undefined {
  let m = /^imgsvc:\{s\d+\}:(.*)$/.exec(key);
  if (m) {
    const rest = m[1]!;
    if (rest.startsWith('locks:')) return undefined;
    if (rest.startsWith('dedup:')) return `imgsvc:sha:${rest.slice(6)}`;
    const tagged = /^(album|image-albums|favoriters|comments|comment-bodies|commenters):(.*)$/.exec(rest);
    if (tagged) return `imgsvc:${tagged[1]}:{${tagged[2]}}`;
    return `imgsvc:${rest}`;
  }
  m = /^imgsvc:\{u:([^}]*)\}:(.*)$/.exec(key);
  if (m) {
    const [, id, rest] = m;
    const plain: Record<string, string> = { user: 'user', keys: 'user-keys', viewers: 'viewers', viewing: 'viewing', albums: 'owner-albums' };
    if (plain[rest!]) return `imgsvc:${plain[rest!]}:${id}`;
    return `imgsvc:${rest}:{${id}}`;
  }
  if (key === 'imgsvc:keyspace') return undefined;
  m = /^imgsvc:(stats|hll):img:\{([^}]*)\}(.*)$/.exec(key);
  if (m) return `imgsvc:${m[1]}:img:${m[2]}${m[3]}`;
  if (key.startsWith('imgsvc:top:{top}:')) return `imgsvc:top:${key.slice('imgsvc:top:{top}:'.length)}`;
  return key;
}

/**
 * Moves every key to its old name, merging the shards' sets and streams as the old single keys
 * held them. Returns the public ids of the events the old single stream could not hold.
 */
async function toLegacyLayout(redis: Redis): Promise<Set<string>> {
  const streams = new Map<string, [string, string[], string][]>();
  const dropped = new Set<string>();
  for (const key of await redis.keys('imgsvc:*')) {
    const old = legacyName(key);
    if (old === key) continue;
    if (old === undefined) {
      await redis.del(key);
      continue;
    }
    const type = await redis.type(key);
    if (type === 'zset') await redis.zunionstore(old, 2, old, key);
    else if (type === 'set') await redis.sunionstore(old, old, key);
    else if (type === 'hash') await redis.hset(old, await redis.hgetall(key));
    else if (type === 'stream') {
      const shard = Number(/^imgsvc:\{s(\d+)\}:/.exec(key)?.[1] ?? 0);
      const entries = ((await redis.xrange(key, '-', '+')) as [string, string[]][]).map(([id, f]): [string, string[], string] => [id, f, publicEventId(id, shard)]);
      streams.set(old, [...(streams.get(old) ?? []), ...entries]);
    }
    else await redis.copy(key, old, 'REPLACE');
    await redis.del(key);
  }
  for (const [old, entries] of streams) {
    let last = '0-0';
    for (const [id, fields, publicId] of entries.sort((a, b) => compareStreamIds(a[0], b[0]))) {
      // Two shards' entries with one id (same millisecond, same sequence): the old single stream
      // could not have held both, so the old layout never had the second.
      if (compareStreamIds(id, last) <= 0) {
        if (old === 'imgsvc:events') dropped.add(publicId);
        continue;
      }
      await redis.xadd(old, id, ...fields);
      last = id;
    }
  }
  // The old consumer groups, caught up (what a running old deployment had).
  await redis.xgroup('CREATE', 'imgsvc:events', 'notifications', '$', 'MKSTREAM');
  await redis.xgroup('CREATE', 'imgsvc:jobs:resize', 'resizers', '$', 'MKSTREAM');
  return dropped;
}

async function snapshot(url: string, alice: TestUser, bob: TestUser, albumId: string, commented: string) {
  const images = await api(url, 'GET', '/v1/images?limit=100', alice.key);
  const asBob = await api(url, 'GET', `/v1/images?owner=${alice.id}&limit=100`, bob.key);
  const album = await api(url, 'GET', `/v1/albums/${albumId}/images`, alice.key);
  const comments = await api(url, 'GET', `/v1/images/${commented}/comments`, alice.key);
  const favorites = await api(url, 'GET', '/v1/me/favorites', bob.key);
  const record = await api(url, 'GET', `/v1/images/${commented}`, bob.key);
  const ids = (b: Record<string, unknown>) => (b.items as { id: string }[]).map((i) => i.id);
  return {
    images: ids(images.body),
    asBob: ids(asBob.body),
    album: ids(album.body),
    comments: (comments.body.items as { body: string }[]).map((c) => c.body),
    favorites: (favorites.body.items as { imageId?: string; id?: string }[]).map((f) => f.imageId ?? f.id),
    record: { favoriteCount: record.body.favoriteCount, title: record.body.title },
  };
}

describe('the keyspace', () => {
  it('refuses a changed shard count at start-up, naming the rebuild command', async () => {
    await expect(restart({ IMGSVC_REDIS_SHARDS: '8' })).rejects.toThrow(/IMGSVC_REDIS_SHARDS is 8 but this install's keyspace was built with 16 shards.*imgsvc reindex --reshard/);
    // Recorded in storage too, the truth.
    expect(JSON.parse(await readFile(join(t.dataDir, 'objects', KEYSPACE_META_KEY), 'utf8'))).toMatchObject({ layout: 3, shards: 16 });
  });

  it('upgrades a Redis on the layout before sharding: rebuilt from storage, old keys removed, nothing lost', async () => {
    const alice = await createUser(t.url, t.adminKey, 'alice');
    const bob = await createUser(t.url, t.adminKey, 'bob');
    const jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const up = await uploadBytes(t.url, Buffer.concat([jpeg, Buffer.from(`upgrade-${i}`)]), 'image/jpeg', alice.key);
      expect(up.status).toBe(201);
      ids.push(up.body.id as string);
    }
    for (const id of ids) expect((await waitForStatus(t.url, id, ['ready'], 90_000)).status).toBe('ready');
    const [first, second, third] = ids;
    expect((await api(t.url, 'PATCH', `/v1/images/${first}`, alice.key, { title: 'kept title', visibility: 'public' })).status).toBe(200);
    const album = await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'trip' });
    for (const id of [first, second, third]) expect((await api(t.url, 'PUT', `/v1/albums/${album.body.id as string}/images/${id}`, alice.key)).status).toBeLessThan(300);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBeLessThan(300);
    expect((await api(t.url, 'POST', `/v1/images/${first}/comments`, bob.key, { body: 'lovely' })).status).toBe(201);
    expect((await api(t.url, 'PUT', `/v1/images/${first}/favorite`, bob.key)).status).toBeLessThan(300);
    const before = await snapshot(t.url, alice, bob, album.body.id as string, first!);
    expect(before.images).toHaveLength(12);
    expect(before.asBob).toHaveLength(12);
    const eventsBefore = (await api(t.url, 'GET', '/v1/events?limit=1000', t.adminKey)).body.events as { id: string; type: string }[];

    await t.service.stop();
    const notInOldLayout = await toLegacyLayout(t.redis.client);
    await rm(join(t.dataDir, 'objects', KEYSPACE_META_KEY));
    expect(await t.redis.client.keys('imgsvc:{*')).toEqual([]);
    expect(await t.redis.client.exists('imgsvc:images', 'imgsvc:events')).toBe(2);

    const started = Date.now();
    const service = await restart();
    (t as { service: ServiceHandle }).service = service;
    const url = service.url;
    rememberKey(url, t.adminKey);
    // The index guard rebuilds from storage; reads answer from the manifests meanwhile.
    await vi.waitFor(async () => expect((await snapshot(url, alice, bob, album.body.id as string, first!)).images).toHaveLength(12), { timeout: 60_000, interval: 200 });
    process.stdout.write(`keyspace upgrade of 12 images (with users, album, comment, favorite, grant): ${Date.now() - started} ms to a complete index\n`);
    expect(await snapshot(url, alice, bob, album.body.id as string, first!)).toEqual(before);
    // Every old id still answers, in its new shard.
    for (const id of ids) expect((await api(url, 'GET', `/v1/images/${id}`, alice.key)).status).toBe(200);
    // No key of the old layout is left (today's analytics keys, tagged, match none of its patterns).
    for (const pattern of LEGACY_PATTERNS) expect(await t.redis.client.keys(pattern), pattern).toEqual([]);
    expect((await fetch(`${url}/i/${first}?w=50`)).status).toBe(200);
    // The retained events kept their ids and order.
    const eventsAfter = (await api(url, 'GET', '/v1/events?limit=1000', t.adminKey)).body.events as { id: string; type: string }[];
    const retained = eventsBefore.filter((e) => !notInOldLayout.has(e.id));
    expect(eventsAfter.slice(0, retained.length).map((e) => [e.id, e.type])).toEqual(retained.map((e) => [e.id, e.type]));
    // The install now records its shard count again, and new uploads land in the new layout.
    expect(JSON.parse(await readFile(join(t.dataDir, 'objects', KEYSPACE_META_KEY), 'utf8'))).toMatchObject({ shards: 16 });
    const after = await uploadBytes(url, Buffer.concat([jpeg, Buffer.from('after-upgrade')]), 'image/jpeg', alice.key);
    expect((await waitForStatus(url, after.body.id as string, ['ready'], 90_000)).status).toBe('ready');
  }, 240_000);
});
