import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { startServiceWithPeople, type ServiceWithPeople } from '../helpers/people.js';
import type { TestService } from '../helpers/service.js';

/** Albums over HTTP: visibility follows the items, only the owner's own images go in, album order, bad input. */
let t: TestService;
// alice owns, bob is her granted viewer, carol a stranger (test/helpers/people.ts).
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let upload: ServiceWithPeople['upload'];
let n = 0;
const ids = (body: Record<string, unknown>) => (body.items as { id: string }[]).map((i) => i.id);

async function album(user: TestUser, imageIds: string[], body: Record<string, unknown> = {}): Promise<string> {
  const made = await api(t.url, 'POST', '/v1/albums', user.key, { title: `Album ${n++}`, ...body });
  expect(made.status).toBe(201);
  for (const id of imageIds) expect((await api(t.url, 'PUT', `/v1/albums/${String(made.body.id)}/images/${id}`, user.key)).status).toBe(200);
  return String(made.body.id);
}

beforeAll(async () => {
  ({ t, owner: alice, viewer: bob, stranger: carol, upload } = await startServiceWithPeople());
});

afterAll(async () => {
  await t?.stop();
});

describe('album visibility', () => {
  it('follows the items: a granted viewer sees an album of private images, a stranger and anonymous callers get the 404 of an unknown id', async () => {
    const [p1, p2] = [await upload(alice, 'private'), await upload(alice, 'private')];
    const id = await album(alice, [p1, p2]);
    const get = (key: string | undefined) => api(t.url, 'GET', `/v1/albums/${id}`, key);
    expect((await get(alice.key)).body).toMatchObject({ id, ownerId: alice.id, imageCount: 2 });
    const seen = await get(bob.key);
    expect(seen.status).toBe(200);
    expect(seen.body.imageCount).toBeUndefined();
    expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images`, bob.key)).body)).toEqual([p1, p2]);
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    const missing = await api(t.url, 'GET', `/v1/albums/${unknown}`, carol.key);
    for (const key of [carol.key, undefined]) {
      for (const path of ['', '/images']) {
        const hidden = await api(t.url, 'GET', `/v1/albums/${id}${path}`, key);
        expect(hidden.status).toBe(404);
        if (path === '') expect(JSON.stringify(hidden.body).replaceAll(id, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(unknown, 'ID'));
      }
    }
    expect((await get(t.adminKey)).status).toBe(200);
  });

  it('shows each viewer the items they may see and nothing else, cover included', async () => {
    const [pub, priv] = [await upload(alice, 'public'), await upload(alice, 'private')];
    const id = await album(alice, [priv, pub]);
    expect((await api(t.url, 'PATCH', `/v1/albums/${id}`, alice.key, { coverImageId: priv, description: 'Line one\nline two' })).status).toBe(200);
    const carolView = await api(t.url, 'GET', `/v1/albums/${id}`, carol.key);
    expect(carolView.body).toMatchObject({ coverImageId: null, description: 'Line one\nline two' });
    expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images`, carol.key)).body)).toEqual([pub]);
    expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images`, undefined)).body)).toEqual([pub]);
    expect((await api(t.url, 'GET', `/v1/albums/${id}`, bob.key)).body.coverImageId).toBe(priv);
    expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images`, bob.key)).body)).toEqual([priv, pub]);
  });

  it('lists an owner’s albums newest first, each only for who may see it', async () => {
    const owner = await createUser(t.url, t.adminKey, `owner-${n++}`);
    const [pub, priv] = [await upload(owner, 'public'), await upload(owner, 'private')];
    const empty = await album(owner, []);
    const privOnly = await album(owner, [priv]);
    const mixed = await album(owner, [pub, priv]);
    const list = async (key: string | undefined) => ids((await api(t.url, 'GET', `/v1/albums?owner=${owner.id}`, key)).body);
    expect(await list(owner.key)).toEqual([mixed, privOnly, empty]);
    expect(await list(t.adminKey)).toEqual([mixed, privOnly, empty]);
    expect(await list(carol.key)).toEqual([mixed]);
    expect(await list(undefined)).toEqual([mixed]);
    expect(ids((await api(t.url, 'GET', '/v1/albums', owner.key)).body)).toEqual([mixed, privOnly, empty]);
    const first = await api(t.url, 'GET', `/v1/albums?owner=${owner.id}&limit=2`, owner.key);
    expect(ids(first.body)).toEqual([mixed, privOnly]);
    const next = await api(t.url, 'GET', `/v1/albums?owner=${owner.id}&limit=2&after=${String(first.body.nextCursor)}`, owner.key);
    expect(ids(next.body)).toEqual([empty]);
    expect(next.body.nextCursor).toBeNull();
    const back = await api(t.url, 'GET', `/v1/albums?owner=${owner.id}&limit=2&before=${String(next.body.prevCursor)}`, owner.key);
    expect(ids(back.body)).toEqual([mixed, privOnly]);
  });
});

describe('album items', () => {
  it('refuses another owner’s image clearly, and hides one the caller may not see', async () => {
    const id = await album(alice, []);
    const carolsPublic = await upload(carol, 'public');
    const refused = await api(t.url, 'PUT', `/v1/albums/${id}/images/${carolsPublic}`, alice.key);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'foreign_image' });
    expect(String((refused.body.error as { message: string }).message)).toContain('belongs to another user');
    expect((await api(t.url, 'PUT', `/v1/albums/${id}/images/${await upload(carol, 'private')}`, alice.key)).status).toBe(404);
    // An admin may edit alice's album, but not put carol's image in it either.
    expect((await api(t.url, 'PUT', `/v1/albums/${id}/images/${carolsPublic}`, t.adminKey)).status).toBe(403);
  });

  it('keeps album order, reorders with PATCH, pages with cursors of this album only; an image may sit in many albums', async () => {
    const [a, b, c] = [await upload(alice, 'public'), await upload(alice, 'public'), await upload(alice, 'public')];
    const id = await album(alice, [a, b, c]);
    const other = await album(alice, [c, a]);
    expect((await api(t.url, 'PUT', `/v1/albums/${id}/images/${a}`, alice.key)).body).toMatchObject({ position: 0 });
    expect((await api(t.url, 'PATCH', `/v1/albums/${id}`, alice.key, { imageIds: [c, a, b] })).status).toBe(200);
    const page1 = await api(t.url, 'GET', `/v1/albums/${id}/images?limit=2`, undefined);
    expect(ids(page1.body)).toEqual([c, a]);
    expect(page1.body.prevCursor).toBeNull();
    const page2 = await api(t.url, 'GET', `/v1/albums/${id}/images?limit=2&after=${String(page1.body.nextCursor)}`, undefined);
    expect(ids(page2.body)).toEqual([b]);
    expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images?limit=2&before=${String(page2.body.prevCursor)}`, undefined)).body)).toEqual([c, a]);
    const foreign = await api(t.url, 'GET', `/v1/albums/${other}/images?after=${String(page1.body.nextCursor)}`, undefined);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'invalid_cursor' });
    const images = await api(t.url, 'GET', `/v1/images?owner=${alice.id}&limit=1`, undefined);
    expect((await api(t.url, 'GET', `/v1/albums/${id}/images?after=${String(images.body.nextCursor)}`, undefined)).status).toBe(400);
    expect((await api(t.url, 'GET', `/v1/albums?owner=${alice.id}&after=${String(images.body.nextCursor)}`, undefined)).status).toBe(400);
    expect(ids((await api(t.url, 'GET', `/v1/albums/${other}/images`, undefined)).body)).toEqual([c, a]);
    // Removing is idempotent and takes the cover with it; deleting the album deletes no image.
    expect((await api(t.url, 'PATCH', `/v1/albums/${id}`, alice.key, { coverImageId: a })).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/albums/${id}/images/${a}`, alice.key)).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/v1/albums/${id}/images/${a}`, alice.key)).status).toBe(204);
    expect((await api(t.url, 'GET', `/v1/albums/${id}`, alice.key)).body).toMatchObject({ coverImageId: null, imageCount: 2 });
    expect((await api(t.url, 'DELETE', `/v1/albums/${id}`, alice.key)).status).toBe(204);
    expect((await api(t.url, 'GET', `/v1/albums/${id}`, alice.key)).status).toBe(404);
    for (const image of [a, b, c]) expect((await api(t.url, 'GET', `/v1/images/${image}`, alice.key)).status).toBe(200);
    expect(ids((await api(t.url, 'GET', `/v1/albums/${other}/images`, alice.key)).body)).toEqual([c, a]);
  });

  it('hides an image in the trash at once and drops it from its albums when it is erased', async () => {
    const [keep, gone] = [await upload(alice, 'public'), await upload(alice, 'public')];
    const id = await album(alice, [gone, keep]);
    expect((await api(t.url, 'PATCH', `/v1/albums/${id}`, alice.key, { coverImageId: gone })).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/images/${gone}`, alice.key)).status).toBe(200);
    expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images`, alice.key)).body)).toEqual([keep]);
    expect((await api(t.url, 'GET', `/v1/albums/${id}`, carol.key)).body.coverImageId).toBeNull();
    expect((await api(t.url, 'DELETE', `/v1/images/${gone}?purge=true`, alice.key)).status).toBe(200);
    expect((await api(t.url, 'GET', `/v1/albums/${id}`, alice.key)).body).toMatchObject({ imageCount: 1, coverImageId: null });
  });
});

describe('bad album input', () => {
  it.each([
    ['a title over 200 characters', 'POST', { title: 'x'.repeat(201) }, 'invalid_body'],
    ['an empty title', 'POST', { title: '  ' }, 'invalid_body'],
    ['no title', 'POST', {}, 'invalid_body'],
    ['a description over 5,000 characters', 'POST', { title: 'a', description: 'x'.repeat(5001) }, 'invalid_body'],
    ['an unknown field', 'POST', { title: 'a', visibility: 'public' }, 'invalid_body'],
    ['an unknown field in a patch', 'PATCH', { ownerId: 'me' }, 'invalid_body'],
    ['a malformed cover id', 'PATCH', { coverImageId: 'nope' }, 'invalid_body'],
    ['a cover not in the album', 'PATCH', { coverImageId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }, 'cover_not_in_album'],
    ['an order that is not the items', 'PATCH', { imageIds: ['01ARZ3NDEKTSV4RRFFQ69G5FAV'] }, 'invalid_order'],
  ])('refuses %s', async (_name, method, body, code) => {
    const path = method === 'POST' ? '/v1/albums' : `/v1/albums/${await album(alice, [])}`;
    const res = await api(t.url, method, path, alice.key, body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code });
  });

  it('refuses malformed ids with 400', async () => {
    const id = await album(alice, []);
    expect((await api(t.url, 'GET', '/v1/albums/not-an-id', alice.key)).body.error).toMatchObject({ code: 'invalid_id' });
    expect((await api(t.url, 'PUT', `/v1/albums/${id}/images/not-an-id`, alice.key)).status).toBe(400);
    expect((await api(t.url, 'DELETE', `/v1/albums/${id}/images/not-an-id`, alice.key)).status).toBe(400);
    expect((await api(t.url, 'GET', '/v1/albums?owner=bad', alice.key)).status).toBe(400);
  });
});

describe('a Redis wipe with no reindex', () => {
  it('is repaired by the self-rebuild: albums and favorites come back with the image index', async () => {
    const pub = await upload(alice, 'public');
    const id = await album(alice, [pub]);
    expect((await api(t.url, 'PUT', `/v1/images/${pub}/favorite`, carol.key)).status).toBe(200);
    await t.redis.client.flushall();
    // A direct read finds the album in storage at once; the listings return with the rebuild.
    expect((await api(t.url, 'GET', `/v1/albums/${id}`, carol.key)).status).toBe(200);
    await eventually(async () => {
      expect(ids((await api(t.url, 'GET', `/v1/albums?owner=${alice.id}`, alice.key)).body)).toContain(id);
      expect(ids((await api(t.url, 'GET', '/v1/me/favorites', carol.key)).body)).toEqual([pub]);
      expect(ids((await api(t.url, 'GET', `/v1/albums/${id}/images`, undefined)).body)).toEqual([pub]);
    }, 20_000, 200);
  }, 30_000);
});
