import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { redisKeys } from '../../services/redis/keys.js';
import { albumKey, manifestKey } from '../../services/storage/keys.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * Issue 20's rebuild window: Redis loses everything (FLUSHALL), and before the index is rebuilt
 * from storage an owner re-uploads bytes they already had, and a comment, a favorite, an album
 * membership and an edit are made on it. Before, the re-upload minted a new id, the four writes
 * were acknowledged on it, and the rebuild folded it into the older image: all four vanished.
 */
let t: TestService;
let alice: TestUser;
let bob: TestUser;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_INDEX_WRITE_WAIT_MS: '1000', IMGSVC_INDEX_CHECK_SECONDS: '1' });
  alice = await createUser(t.url, t.adminKey, 'alice-window');
  bob = await createUser(t.url, t.adminKey, 'bob-window');
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

const bytes = async () => Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from('rebuild-window')]);

/** The writes made inside the window, as a client that honours 503 + Retry-After makes them. */
function writes(image: string, album: string) {
  return {
    upload: async () => {
      const r = await uploadBytes(t.url, await bytes(), 'image/jpeg', alice.key);
      return { status: r.status, body: r.body, headers: r.headers };
    },
    comment: () => api(t.url, 'POST', `/v1/images/${image}/comments`, bob.key, { body: 'made in the window' }),
    favorite: () => api(t.url, 'PUT', `/v1/images/${image}/favorite`, bob.key),
    album: () => api(t.url, 'PUT', `/v1/albums/${album}/images/${image}`, alice.key),
    edit: () => api(t.url, 'PATCH', `/v1/images/${image}`, alice.key, { title: 'edited in the window' }),
  };
}

async function untilAccepted<T extends { status: number; headers: Headers }>(call: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await call();
    if (res.status !== 503 || Date.now() > deadline) return res;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000));
  }
}

describe('writes inside the rebuild window after Redis lost its data', () => {
  it('are held (503 + Retry-After, or a short wait) until the index is rebuilt, and nothing acknowledged vanishes', async () => {
    const first = await uploadBytes(t.url, await bytes(), 'image/jpeg', alice.key);
    expect(first.status).toBe(201);
    const image = first.body.id as string;
    const album = (await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'window' })).body.id as string;

    // Redis loses everything, and another pod holds the rebuild lock: the window stays open.
    await t.redis.client.multi().flushall().set(redisKeys.reindexLock, 'another-pod', 'PX', 60_000).exec();
    const w = writes(image, album);
    for (const [name, call] of Object.entries(w)) {
      const res = await call();
      expect(res.status, name).toBe(503);
      expect(res.headers.get('retry-after'), name).toBe('1');
      expect(res.body, name).toMatchObject({ error: { status: 503, code: 'index_rebuilding' } });
    }
    // Reads are not held: storage answers.
    expect((await api(t.url, 'GET', `/v1/images/${image}`, alice.key)).status).toBe(200);

    // The other pod goes away; the next writes wait for this pod's rebuild (or retry after 503).
    await t.redis.client.del(redisKeys.reindexLock);
    const [upload, comment, favorite, inAlbum, edit] = await Promise.all([w.upload, w.comment, w.favorite, w.album, w.edit].map((call) => untilAccepted(call)));
    expect([upload!.status, upload!.body.id]).toEqual([200, image]);
    expect(comment!.status).toBe(201);
    expect(favorite!.status).toBe(200);
    expect(inAlbum!.status).toBe(200);
    expect(edit!.status).toBe(200);

    // A later rebuild (another FLUSHALL) keeps all of it: nothing is folded away.
    await t.redis.client.flushall();
    await vi.waitFor(async () => expect(await t.redis.client.get(redisKeys.indexBuilt)).not.toBeNull(), { timeout: 30_000, interval: 100 });
    const seen = await api(t.url, 'GET', `/v1/images/${image}`, bob.key);
    expect(seen.body).toMatchObject({ id: image, title: 'edited in the window', commentCount: 1, favoriteCount: 1 });
    const comments = await api(t.url, 'GET', `/v1/images/${image}/comments`, bob.key);
    expect(JSON.stringify(comments.body)).toContain('made in the window');
    expect(JSON.stringify((await api(t.url, 'GET', '/v1/me/favorites', bob.key)).body)).toContain(image);
    const stored = JSON.parse((await t.service.store.getBuffer(albumKey(album))).toString('utf8')) as { imageIds: string[] };
    expect(stored.imageIds).toEqual([image]);
    expect(await t.service.store.head(manifestKey(image))).toBeDefined();
    const images = await api(t.url, 'GET', `/v1/albums/${album}/images`, alice.key);
    expect(JSON.stringify(images.body)).toContain(image);
  }, 180_000);
});
