import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareStreamIds } from '../../services/events/event-query.js';
import type { ImgsvcEvent } from '../../services/events/event-types.js';
import { redisKeys } from '../../services/redis/keys.js';
import { api, createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';
import { everyShard } from '../helpers/shards.js';

const NO_LIMITS = { IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_AUTH_FAILURES: 'off' };

let t: TestService;
let alice: TestUser;
let bob: TestUser;
let jpeg: Buffer;
let n = 0;

beforeAll(async () => {
  t = await startTestService({ ...NO_LIMITS, IMGSVC_ERASE_AFTER: '2', IMGSVC_ERASE_SWEEP_SECONDS: '1' });
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  alice = await createUser(t.url, t.adminKey, 'alice');
  bob = await createUser(t.url, t.adminKey, 'bob');
});
afterAll(async () => {
  await t?.stop();
});

async function upload(user: TestUser, query = '?visibility=private'): Promise<string> {
  const r = await uploadBytes(t.url, jpegVariant(jpeg, `events-${n++}`), 'image/jpeg', user.key, query);
  if (r.status !== 201) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.id as string;
}

/** Every event in the stream, as the admin reads it. */
async function streamEvents(): Promise<ImgsvcEvent[]> {
  const page = await api(t.url, 'GET', '/v1/events?limit=1000', t.adminKey);
  expect(page.status).toBe(200);
  return page.body.events as ImgsvcEvent[];
}

const about = (events: ImgsvcEvent[], imageId: string) =>
  events.filter((e) => e.imageId === imageId).map((e) => ({ type: e.type, actorId: e.actorId, ownerId: e.ownerId, data: e.data }));

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the event stream', () => {
  it('reports a whole lifecycle exactly, in order, with revisions: upload → ready → edit → visibility → delete → restore → delete → erase', async () => {
    const id = await upload(alice);
    await waitForStatus(t.url, id, ['ready']);
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { title: 'Tower', tags: ['night'] })).status).toBe(200);
    // An edit that changes nothing bumps the revision but reports nothing.
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { title: 'Tower' })).status).toBe(200);
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, t.adminKey, { visibility: 'public' })).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/images/${id}`, alice.key)).status).toBe(200);
    expect((await api(t.url, 'POST', `/v1/images/${id}/restore`, alice.key)).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/images/${id}`, alice.key)).status).toBe(200);
    // The erase sweep (IMGSVC_ERASE_AFTER=2s) erases it on its own: the service is the actor.
    const events = await eventually(streamEvents, (es) => es.some((e) => e.imageId === id && e.type === 'image.erased'));
    const deletes = events.filter((e) => e.imageId === id && e.type === 'image.deleted').map((e) => e.data.deletedAt);
    expect(about(events, id)).toEqual([
      { type: 'image.created', actorId: alice.id, ownerId: alice.id, data: { revision: 0, visibility: 'private', format: 'jpeg', width: expect.any(Number), height: expect.any(Number), bytes: expect.any(Number) } },
      { type: 'image.ready', actorId: undefined, ownerId: alice.id, data: { revision: 1, variants: { count: 3, formats: ['avif', 'jpeg', 'webp'], widths: [50] } } },
      { type: 'image.updated', actorId: alice.id, ownerId: alice.id, data: { revision: 2, changed: ['tags', 'title'] } },
      { type: 'image.visibility_changed', actorId: expect.any(String), ownerId: alice.id, data: { revision: 4, from: 'private', to: 'public' } },
      { type: 'image.deleted', actorId: alice.id, ownerId: alice.id, data: { revision: 5, deletedAt: deletes[0] } },
      { type: 'image.restored', actorId: alice.id, ownerId: alice.id, data: { revision: 6 } },
      { type: 'image.deleted', actorId: alice.id, ownerId: alice.id, data: { revision: 7, deletedAt: deletes[1] } },
      { type: 'image.erased', actorId: undefined, ownerId: alice.id, data: { revision: 7, deletedAt: deletes[1], erasedAt: expect.any(String) } },
    ]);
    // The admin made the visibility change on alice's image: actor and owner differ.
    expect(events.find((e) => e.imageId === id && e.type === 'image.visibility_changed')?.actorId).not.toBe(alice.id);
    const ids = events.map((e) => e.id);
    expect([...ids].sort(compareStreamIds)).toEqual(ids);
  });

  it('reports favorites only when they change, albums on every real edit, and a purge as erased by its caller', async () => {
    const id = await upload(alice, '?visibility=public');
    await waitForStatus(t.url, id, ['ready']);
    const before = (await streamEvents()).length;
    for (let i = 0; i < 2; i++) expect((await api(t.url, 'PUT', `/v1/images/${id}/favorite`, bob.key)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await api(t.url, 'DELETE', `/v1/images/${id}/favorite`, bob.key)).status).toBe(204);
    expect((await api(t.url, 'PUT', `/v1/images/${id}/favorite`, bob.key)).status).toBe(200);
    const album = await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'Trip' });
    expect(album.status).toBe(201);
    const albumId = album.body.id as string;
    expect((await api(t.url, 'PUT', `/v1/albums/${albumId}/images/${id}`, alice.key)).status).toBe(200);
    expect((await api(t.url, 'PUT', `/v1/albums/${albumId}/images/${id}`, alice.key)).status).toBe(200); // already in: no write
    expect((await api(t.url, 'PATCH', `/v1/albums/${albumId}`, alice.key, { title: 'Trip' })).status).toBe(200); // same title: nothing changed
    expect((await api(t.url, 'PATCH', `/v1/albums/${albumId}`, alice.key, { title: 'Trip 2', coverImageId: id })).status).toBe(200);
    // Purged: out of the album and bob's favorites first, then erased.
    expect((await api(t.url, 'DELETE', `/v1/images/${id}?purge=true`, alice.key)).status).toBe(200);
    const other = await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'Gone soon' });
    expect((await api(t.url, 'DELETE', `/v1/albums/${other.body.id as string}`, alice.key)).status).toBe(204);

    // Alice, the owner, reads bob's favorites of her image without learning it was bob.
    const asAlice = ((await api(t.url, 'GET', `/v1/events?type=favorite.added&limit=1000`, alice.key)).body.events as ImgsvcEvent[]).filter((e) => e.imageId === id);
    expect(asAlice.map((e) => [e.actorId, e.data])).toEqual([[undefined, {}], [undefined, {}]]);
    const asBob = ((await api(t.url, 'GET', `/v1/events?type=favorite.added&limit=1000`, bob.key)).body.events as ImgsvcEvent[]).filter((e) => e.imageId === id);
    expect(asBob).toEqual([]); // not his image: not his events

    const got = (await streamEvents()).slice(before).map((e) => [e.type, e.ownerId === alice.id, e.actorId ?? null, e.data]);
    const A = alice.id;
    const B = bob.id;
    expect(got).toEqual([
      ['favorite.added', true, B, { userId: B, favoriteId: expect.any(String) }],
      ['favorite.removed', true, B, { userId: B }],
      ['favorite.added', true, B, { userId: B, favoriteId: expect.any(String) }],
      ['album.updated', true, A, { albumId, revision: 1, changed: ['title', 'description', 'coverImageId', 'imageIds'], imageCount: 0, created: true }],
      ['album.updated', true, A, { albumId, revision: 2, changed: ['imageIds'], imageCount: 1 }],
      ['album.updated', true, A, { albumId, revision: 4, changed: ['title', 'coverImageId'], imageCount: 1 }],
      ['image.deleted', true, A, { revision: 2, deletedAt: expect.any(String) }],
      ['album.updated', true, null, { albumId, revision: 5, changed: ['coverImageId', 'imageIds'], imageCount: 0 }],
      ['favorite.removed', true, null, { userId: B }],
      ['image.erased', true, A, { revision: 2, deletedAt: expect.any(String), erasedAt: expect.any(String) }],
      ['album.updated', true, A, { albumId: other.body.id, revision: 1, changed: ['title', 'description', 'coverImageId', 'imageIds'], imageCount: 0, created: true }],
      ['album.deleted', true, A, { albumId: other.body.id, revision: 2 }],
    ]);
  });
});

describe('GET /v1/events', () => {
  it('shows an admin everything and a user only events about their own things, filtered by type, paged by id', async () => {
    const mine = await upload(bob);
    await waitForStatus(t.url, mine, ['ready']);
    const admin = await streamEvents();
    expect(new Set(admin.map((e) => e.ownerId))).toEqual(new Set([alice.id, bob.id]));
    const asBob = await api(t.url, 'GET', '/v1/events?limit=1000', bob.key);
    expect(asBob.status).toBe(200);
    expect(asBob.headers.get('cache-control')).toBe('private, no-store');
    const bobs = asBob.body.events as ImgsvcEvent[];
    expect(bobs.length).toBeGreaterThan(0);
    expect(bobs.every((e) => e.ownerId === bob.id)).toBe(true);
    expect(bobs.map((e) => e.id)).toEqual(admin.filter((e) => e.ownerId === bob.id).map((e) => e.id));
    // A read-only key will do; a write-only one will not.
    expect((await api(t.url, 'GET', '/v1/events', await createKey(t.url, bob.key, ['images:read']))).status).toBe(200);
    expect((await api(t.url, 'GET', '/v1/events', await createKey(t.url, bob.key, ['images:write']))).status).toBe(403);
    expect((await api(t.url, 'GET', '/v1/events', undefined)).status).toBe(401);

    const ready = await api(t.url, 'GET', '/v1/events?type=image.ready,image.created&limit=1000', t.adminKey);
    expect((ready.body.events as ImgsvcEvent[]).every((e) => e.type === 'image.ready' || e.type === 'image.created')).toBe(true);
    expect((ready.body.events as ImgsvcEvent[]).length).toBe(admin.filter((e) => e.type === 'image.ready' || e.type === 'image.created').length);

    // Two at a time, resuming after the last id, gives the same events as one read.
    const paged: ImgsvcEvent[] = [];
    let after = '';
    for (let i = 0; i < 200; i++) {
      const page = await api(t.url, 'GET', `/v1/events?limit=2${after ? `&after=${after}` : ''}`, t.adminKey);
      expect(page.status).toBe(200);
      paged.push(...(page.body.events as ImgsvcEvent[]));
      after = page.body.next as string;
      if (!page.body.more) break;
    }
    expect(paged.map((e) => e.id)).toEqual(admin.map((e) => e.id));
    const end = await api(t.url, 'GET', `/v1/events?after=${after}`, t.adminKey);
    expect(end.body).toEqual({ events: [], next: after, more: false });
  });

  it('refuses a malformed id, an unknown type, a bad limit and an id from the future with 400', async () => {
    const last = (await streamEvents()).at(-1)!.id;
    // `<ms>-<seq>.<shard>`: the stream entry id, and the shard whose stream holds it.
    const [ms, seq] = last.split('.')[0]!.split('-');
    for (const [query, code] of [
      ['after=yesterday', 'invalid_event_id'],
      ['after=1-2-3', 'invalid_event_id'],
      ['type=image.exploded', 'unknown_event_type'],
      ['limit=0', 'invalid_parameter'],
      ['limit=many', 'invalid_parameter'],
      [`after=${ms}-${Number(seq) + 1}`, 'event_id_in_future'],
      [`after=${Number(ms) + 60_000}`, 'event_id_in_future'],
    ]) {
      const r = await api(t.url, 'GET', `/v1/events?${query}`, alice.key);
      expect([query, r.status, (r.body.error as { code: string }).code]).toEqual([query, 400, code]);
    }
  });

  it('answers 410 events_trimmed to a reader whose resume point was trimmed away', async () => {
    const before = await streamEvents();
    const stale = before[0]!.id;
    const keep = before[2]!.id;
    for (const stream of everyShard(redisKeys.events)) await t.redis.client.xtrim(stream, 'MINID', keep.split('.')[0]!);
    const r = await api(t.url, 'GET', `/v1/events?after=${stale}`, alice.key);
    expect(r.status).toBe(410);
    expect(r.body.error).toMatchObject({ code: 'events_trimmed', details: { oldestRetained: keep } });
    // From the oldest retained entry on, or from the start, reading goes on.
    expect((await api(t.url, 'GET', `/v1/events?after=${keep}`, alice.key)).status).toBe(200);
    expect(((await api(t.url, 'GET', '/v1/events?limit=1000', t.adminKey)).body.events as ImgsvcEvent[])[0]!.id).toBe(keep);
  });
});
