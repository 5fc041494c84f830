import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reindexCapturing } from '../helpers/reindex.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { waitForStatus } from '../helpers/wait-for.js';
import { startTestService, storedKeys, type TestService } from '../helpers/service.js';

/** Favorites over HTTP, and albums and favorites surviving a Redis wipe. */
let t: TestService;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let jpeg: Buffer;
let n = 0;
const ids = (body: Record<string, unknown>) => (body.items as { id: string }[]).map((i) => i.id);
const favorites = async (user: TestUser, query = '') => api(t.url, 'GET', `/v1/me/favorites${query}`, user.key);

async function upload(user: TestUser, visibility: 'public' | 'private'): Promise<string> {
  const up = await uploadBytes(t.url, jpegVariant(jpeg, `favorites-${n++}`), 'image/jpeg', user.key, `?visibility=${visibility}`);
  expect(up.status).toBe(201);
  return String(up.body.id);
}

beforeAll(async () => {
  // No periodic index check: the wipe below is repaired by `imgsvc reindex` alone.
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_INDEX_CHECK_SECONDS: '0' });
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  alice = await createUser(t.url, t.adminKey, 'alice');
  bob = await createUser(t.url, t.adminKey, 'bob');
  carol = await createUser(t.url, t.adminKey, 'carol');
});

afterAll(async () => {
  await t?.stop();
});

describe('favorites', () => {
  it('are idempotent, counted once per user, and shown in the record', async () => {
    const image = await upload(alice, 'public');
    const first = await api(t.url, 'PUT', `/v1/images/${image}/favorite`, bob.key);
    expect(first.status).toBe(200);
    const again = await api(t.url, 'PUT', `/v1/images/${image}/favorite`, bob.key);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ imageId: image, favoritedAt: first.body.favoritedAt, favoriteCount: 1, favorited: true });
    await Promise.all([1, 2, 3].map(() => api(t.url, 'PUT', `/v1/images/${image}/favorite`, carol.key)));
    const record = await api(t.url, 'GET', `/v1/images/${image}`, bob.key);
    expect(record.body).toMatchObject({ favoriteCount: 2, favorited: true });
    expect(record.headers.get('cache-control')).toBe('private, no-cache');
    expect((await api(t.url, 'GET', `/v1/images/${image}`, alice.key)).body).toMatchObject({ favoriteCount: 2, favorited: false });
    expect((await api(t.url, 'GET', `/v1/images/${image}`, undefined)).body).toMatchObject({ favoriteCount: 2, favorited: false });
    expect(ids((await favorites(carol)).body)).toEqual([image]);
    expect((await api(t.url, 'DELETE', `/v1/images/${image}/favorite`, carol.key)).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/v1/images/${image}/favorite`, carol.key)).status).toBe(204);
    expect((await api(t.url, 'GET', `/v1/images/${image}`, carol.key)).body).toMatchObject({ favoriteCount: 1, favorited: false });
    expect(ids((await favorites(carol)).body)).toEqual([]);
  });

  it('list newest first, page with their own cursors, and leave out what the caller may no longer see', async () => {
    const owner = await createUser(t.url, t.adminKey, `owner-${n++}`);
    const fan = await createUser(t.url, t.adminKey, `fan-${n++}`);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${fan.id}`, owner.key)).status).toBe(200);
    const [privateOne, goesPrivate, deleted, stays] = [await upload(owner, 'private'), await upload(owner, 'public'), await upload(owner, 'public'), await upload(owner, 'public')];
    for (const id of [stays, deleted, goesPrivate, privateOne]) {
      expect((await api(t.url, 'PUT', `/v1/images/${id}/favorite`, fan.key)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 3)); // favorites of one millisecond do not sort among themselves
    }
    expect(ids((await favorites(fan)).body)).toEqual([privateOne, goesPrivate, deleted, stays]);
    const page1 = await favorites(fan, '?limit=3');
    expect(ids(page1.body)).toEqual([privateOne, goesPrivate, deleted]);
    expect((page1.body.items as { favorited: boolean }[])[0]!.favorited).toBe(true);
    const page2 = await favorites(fan, `?limit=3&after=${String(page1.body.nextCursor)}`);
    expect(ids(page2.body)).toEqual([stays]);
    expect(ids((await favorites(fan, `?limit=3&before=${String(page2.body.prevCursor)}`)).body)).toEqual([privateOne, goesPrivate, deleted]);
    // Another user's cursor, or one from an image listing, belongs to another query.
    expect((await favorites(carol, `?after=${String(page1.body.nextCursor)}`)).body.error).toMatchObject({ code: 'invalid_cursor' });
    const listing = await api(t.url, 'GET', `/v1/images?owner=${owner.id}&limit=1`, undefined);
    expect((await favorites(fan, `?after=${String(listing.body.nextCursor)}`)).status).toBe(400);

    expect((await api(t.url, 'DELETE', `/v1/me/viewers/${fan.id}`, owner.key)).status).toBe(204);
    expect((await api(t.url, 'PATCH', `/v1/images/${goesPrivate}`, owner.key, { visibility: 'private' })).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/images/${deleted}`, owner.key)).status).toBe(200);
    expect(ids((await favorites(fan)).body)).toEqual([stays]);
    // A stranger cannot favorite what they may not see; the answer is an unknown id's.
    expect((await api(t.url, 'PUT', `/v1/images/${privateOne}/favorite`, carol.key)).status).toBe(404);
    // Erasing the deleted image erases its favorites too.
    expect((await api(t.url, 'DELETE', `/v1/images/${deleted}?purge=true`, owner.key)).status).toBe(200);
    expect((await storedKeys(t)).filter((k) => k.startsWith('favorites/') && k.endsWith(`/${deleted}.json`))).toEqual([]);
    expect((await api(t.url, 'POST', `/v1/images/${deleted}/restore`, owner.key)).status).toBe(410);
  });

  it('refuses malformed ids', async () => {
    expect((await api(t.url, 'PUT', '/v1/images/nope/favorite', bob.key)).status).toBe(400);
    expect((await api(t.url, 'DELETE', '/v1/images/nope/favorite', bob.key)).status).toBe(400);
    expect((await favorites(bob, '?limit=0')).status).toBe(400);
    expect((await favorites(bob, '?after=garbage')).status).toBe(400);
  });
});

describe('a Redis wipe', () => {
  it('loses no album and no favorite: imgsvc reindex restores them from storage', async () => {
    const [pub, priv] = [await upload(alice, 'public'), await upload(alice, 'private')];
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
    const made = await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'Kept', description: 'across a wipe' });
    const album = String(made.body.id);
    for (const id of [pub, priv]) expect((await api(t.url, 'PUT', `/v1/albums/${album}/images/${id}`, alice.key)).status).toBe(200);
    expect((await api(t.url, 'PATCH', `/v1/albums/${album}`, alice.key, { imageIds: [priv, pub], coverImageId: pub })).status).toBe(200);
    for (const id of [pub, priv]) expect((await api(t.url, 'PUT', `/v1/images/${id}/favorite`, bob.key)).status).toBe(200);
    // Signed URLs are minted per response (their exp moves with the clock): left out of the comparison.
    const unsigned = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'signedUrls' || k === 'signedUrlsExpireAt' ? undefined : v)));
    const snapshot = async () => unsigned({
      album: (await api(t.url, 'GET', `/v1/albums/${album}`, alice.key)).body,
      albums: ids((await api(t.url, 'GET', `/v1/albums?owner=${alice.id}`, bob.key)).body),
      items: ids((await api(t.url, 'GET', `/v1/albums/${album}/images`, bob.key)).body),
      favorites: (await favorites(bob)).body.items,
      record: (await api(t.url, 'GET', `/v1/images/${pub}`, bob.key)).body,
    }) as { album: unknown; albums: string[]; items: string[]; favorites: unknown; record: Record<string, unknown> };
    for (const id of [pub, priv]) await waitForStatus(t.url, id, ['ready']); // so only the wipe could change the records
    const before = await snapshot();
    expect(before.items).toEqual([priv, pub]);
    expect(before.record).toMatchObject({ favoriteCount: 1, favorited: true });

    await t.redis.client.flushall();
    const reindexed = await reindexCapturing(t.env);
    expect(reindexed.code).toBe(0);
    expect(reindexed.out).toMatch(/\d+ albums, \d+ favorites, \d+ comments and \d+ webhook endpoints/);
    expect(await snapshot()).toEqual(before);
    // And the restored state still takes writes: one favorite per user and image.
    expect((await api(t.url, 'PUT', `/v1/images/${pub}/favorite`, bob.key)).body).toMatchObject({ favoriteCount: 1 });
  });
});
