import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { reindexCapturing } from '../helpers/reindex.js';
import { parseEvent } from '../../services/events/event-log.js';
import { redisKeys, shardOf } from '../../services/redis/keys.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { startServiceWithPeople, type ServiceWithPeople } from '../helpers/people.js';
import { storedKeys, type TestService } from '../helpers/service.js';

/** Comments over HTTP: who may write, read and delete them, the owner's toggle, limits, and their durability. */
let t: TestService;
let people: ServiceWithPeople;
// alice owns, bob is her granted viewer, carol a stranger (test/helpers/people.ts).
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let n = 0;
const UNKNOWN = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
type Item = { id: string; imageId: string; authorId: string; body: string; createdAt: string };
const items = (body: Record<string, unknown>) => body.items as Item[];
const bodies = (body: Record<string, unknown>) => items(body).map((c) => c.body);

const upload = (user: TestUser, visibility: 'public' | 'private') => people.upload(user, visibility);
const post = (user: TestUser | undefined, image: string, body: unknown) => api(t.url, 'POST', `/v1/images/${image}/comments`, user?.key, body);
const list = (user: TestUser | undefined, image: string, query = '') => api(t.url, 'GET', `/v1/images/${image}/comments${query}`, user?.key);
const commentObjects = async (image: string) => (await storedKeys(t)).filter((k) => k.startsWith(`comments/${image}/`)).sort();
const pause = () => new Promise((r) => setTimeout(r, 3)); // ids of one millisecond do not sort among themselves

beforeAll(async () => {
  // No periodic index check: the wipe below is repaired by `imgsvc reindex` alone.
  people = await startServiceWithPeople({ IMGSVC_INDEX_CHECK_SECONDS: '0' });
  t = people.t;
});

// Fresh people for every test: the comment limit (10 a minute each) stays the only one that test meets.
beforeEach(async () => {
  ({ owner: alice, viewer: bob, stranger: carol } = await people.morePeople());
});

afterAll(async () => {
  await t?.stop();
});

describe('comments', () => {
  it('are written and read by whoever may see the image (anonymous readers too, on public images); others get an unknown id’s 404', async () => {
    const [pub, priv] = [await upload(alice, 'public'), await upload(alice, 'private')];
    const made = await post(bob, priv, { body: '  nice light  ' });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ imageId: priv, authorId: bob.id, body: 'nice light' });
    expect(made.body.createdAt).toEqual(expect.any(String));
    expect((await post(carol, pub, { body: 'from a stranger' })).status).toBe(201);
    expect((await post(undefined, pub, { body: 'anonymous' })).status).toBe(401);

    const hidden = await post(carol, priv, { body: 'let me in' });
    const missing = await post(carol, UNKNOWN, { body: 'let me in' });
    expect(hidden.status).toBe(404);
    expect(JSON.stringify(hidden.body).replaceAll(priv, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(UNKNOWN, 'ID'));
    expect((await list(carol, priv)).status).toBe(404);
    expect((await list(undefined, priv)).status).toBe(404);

    expect(bodies((await list(undefined, pub)).body)).toEqual(['from a stranger']);
    expect(bodies((await list(alice, priv)).body)).toEqual(['nice light']);
    expect((await list(bob, priv)).headers.get('cache-control')).toBe('private, no-store');
    expect((await api(t.url, 'GET', `/v1/images/${priv}`, alice.key)).body).toMatchObject({ commentCount: 1, commentsEnabled: true });
    expect((await api(t.url, 'GET', `/v1/images/${pub}`, undefined)).body).toMatchObject({ commentCount: 1 });
    expect(await commentObjects(priv)).toEqual([`comments/${priv}/${String(made.body.id)}.json`]);
  });

  it('come back as the very text written, in JSON, never as markup', async () => {
    const image = await upload(alice, 'public');
    const xss = '<script>alert("owned")</script>\n<img src=x onerror="alert(1)"> & \'quotes\'\t😀';
    const made = await post(bob, image, { body: xss });
    expect(made.status).toBe(201);
    expect(made.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const res = await fetch(`${t.url}/v1/images/${image}/comments`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await res.text();
    // Byte for byte the JSON string of what was written: nothing escaped into entities, nothing stripped.
    expect(text).toContain(JSON.stringify(xss));
    expect((JSON.parse(text) as { items: Item[] }).items[0]!.body).toBe(xss);
    const longest = '😀'.repeat(2000); // 2,000 characters, 4,000 UTF-16 units
    expect((await post(carol, image, { body: longest })).status).toBe(201);
  });

  it('refuse bad input with a clear JSON error and change nothing', async () => {
    const image = await upload(alice, 'public');
    expect((await post(bob, image, { body: 'the one that stays' })).status).toBe(201);
    const events = async () => (await t.redis.client.xrange(redisKeys.events(shardOf(image)), '-', '+')).filter(([id, fields]) => { const e = parseEvent(id, fields); return e?.imageId === image && e.type.startsWith('comment.'); }).length;
    const before = { objects: await commentObjects(image), thread: (await list(bob, image)).body, events: await events() };
    const cases: [unknown, RegExp][] = [
      [{ body: ' \n\t ' }, /empty/],
      [{ body: 'x'.repeat(2001) }, /at most 2000 characters but received 2001/],
      [{ body: '😀'.repeat(2001) }, /at most 2000/],
      [{ body: 'bell\u0007' }, /control characters/],
      [{ body: 'cr\rlf' }, /control characters/],
      [{ body: 42 }, /expected a string for body/],
      [{}, /body/],
      [{ body: 'ok', html: true }, /unknown field/],
    ];
    for (const [body, message] of cases) {
      const res = await post(bob, image, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect((res.body.error as { code: string; message: string }).code).toBe('invalid_body');
      expect((res.body.error as { message: string }).message).toMatch(message);
    }
    const unknownComment = await api(t.url, 'DELETE', `/v1/images/${image}/comments/${UNKNOWN}`, alice.key);
    expect(unknownComment.status).toBe(404);
    expect(unknownComment.body.error).toMatchObject({ code: 'comment_not_found' });
    expect((await api(t.url, 'DELETE', `/v1/images/${image}/comments/nope`, alice.key)).status).toBe(404);
    expect((await api(t.url, 'DELETE', `/v1/images/${UNKNOWN}/comments/${UNKNOWN}`, alice.key)).body.error).toMatchObject({ code: 'image_not_found' });

    // Cursors: malformed, altered, from another image's thread or from another listing.
    const other = await upload(alice, 'public');
    for (const body of ['a', 'b']) expect((await post(bob, other, { body })).status).toBe(201);
    const otherPage = await list(bob, other, '?limit=1');
    const favorites = await api(t.url, 'GET', `/v1/images?owner=${alice.id}&limit=1`, undefined);
    for (const query of ['?after=garbage', `?after=${String(otherPage.body.nextCursor)}`, `?after=${String(favorites.body.nextCursor)}`, `?after=${String(otherPage.body.nextCursor).slice(0, -2)}xx`, '?limit=0', '?limit=201']) {
      const res = await list(bob, image, query);
      expect(res.status, query).toBe(400);
      expect((res.body.error as { code: string }).code).toMatch(/^invalid_(cursor|parameter)$/);
    }
    expect({ objects: await commentObjects(image), thread: (await list(bob, image)).body, events: await events() }).toEqual(before);
  });

  it('page oldest first with cursors of their own thread', async () => {
    const image = await upload(alice, 'public');
    const written: string[] = [];
    for (let i = 0; i < 7; i++) {
      expect((await post([alice, bob, carol][i % 3], image, { body: `comment ${i}` })).status).toBe(201);
      written.push(`comment ${i}`);
      await pause();
    }
    const page1 = await list(undefined, image, '?limit=3');
    expect(bodies(page1.body)).toEqual(written.slice(0, 3));
    expect(page1.body.prevCursor).toBeNull();
    const page2 = await list(undefined, image, `?limit=3&after=${String(page1.body.nextCursor)}`);
    expect(bodies(page2.body)).toEqual(written.slice(3, 6));
    const page3 = await list(undefined, image, `?limit=3&after=${String(page2.body.nextCursor)}`);
    expect(bodies(page3.body)).toEqual(written.slice(6));
    expect(page3.body.nextCursor).toBeNull();
    expect(bodies((await list(undefined, image, `?limit=3&before=${String(page3.body.prevCursor)}`)).body)).toEqual(written.slice(3, 6));
    expect(bodies((await list(undefined, image, `?limit=3&before=${String(page2.body.prevCursor)}`)).body)).toEqual(written.slice(0, 3));
    expect(bodies((await list(undefined, image)).body)).toEqual(written);
  });

  it('are switched off and on by the owner alone: off refuses new ones and keeps the old ones readable', async () => {
    const image = await upload(alice, 'public');
    expect((await post(bob, image, { body: 'before the switch' })).status).toBe(201);
    expect((await api(t.url, 'PATCH', `/v1/images/${image}`, bob.key, { commentsEnabled: false })).status).toBe(403);
    expect((await api(t.url, 'PATCH', `/v1/images/${image}`, alice.key, { commentsEnabled: 'no' })).status).toBe(400);
    const off = await api(t.url, 'PATCH', `/v1/images/${image}`, alice.key, { commentsEnabled: false });
    expect(off.status).toBe(200);
    expect(off.body.commentsEnabled).toBe(false);
    const refused = await post(bob, image, { body: 'after the switch' });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'comments_disabled' });
    // The owner too: the switch is about the image, not about who writes.
    expect((await post(alice, image, { body: 'mine' })).status).toBe(403);
    const thread = await list(carol, image);
    expect(bodies(thread.body)).toEqual(['before the switch']);
    expect(thread.body.commentsEnabled).toBe(false);
    expect((await api(t.url, 'GET', `/v1/images/${image}`, carol.key)).body).toMatchObject({ commentsEnabled: false, commentCount: 1 });
    // Other edits leave the switch as it is.
    expect((await api(t.url, 'PATCH', `/v1/images/${image}`, alice.key, { title: 'renamed' })).body.commentsEnabled).toBe(false);
    expect((await api(t.url, 'PATCH', `/v1/images/${image}`, alice.key, { commentsEnabled: true })).body.commentsEnabled).toBe(true);
    expect((await post(bob, image, { body: 'back on' })).status).toBe(201);
  });

  it('are deleted by their author, the image’s owner or an admin; others who see them get 403, who may not see the image 404', async () => {
    const image = await upload(alice, 'private');
    const ids: string[] = [];
    for (const user of [bob, bob, alice, bob]) {
      const made = await post(user, image, { body: `by ${user.handle}` });
      expect(made.status).toBe(201);
      ids.push(String(made.body.id));
    }
    const del = (user: TestUser | string, id: string) => api(t.url, 'DELETE', `/v1/images/${image}/comments/${id}`, typeof user === 'string' ? user : user.key);
    expect((await del(carol, ids[0]!)).status).toBe(404); // a stranger: the image is unknown to them
    expect((await del(bob, ids[2]!)).body.error).toMatchObject({ code: 'not_author' }); // bob sees it, did not write it
    expect((await del(bob, ids[0]!)).status).toBe(204); // the author
    expect((await del(alice, ids[1]!)).status).toBe(204); // the image's owner
    expect((await del(t.adminKey, ids[3]!)).status).toBe(204);
    expect((await del(alice, ids[0]!)).status).toBe(404); // gone already
    expect(items((await list(bob, image)).body).map((c) => c.id)).toEqual([ids[2]]);
    expect(await commentObjects(image)).toEqual([`comments/${image}/${ids[2]}.json`]);
    expect((await api(t.url, 'GET', `/v1/images/${image}`, alice.key)).body).toMatchObject({ commentCount: 1 });
  });

  it('append comment.created and comment.deleted to the event stream, about the image’s owner and by the author', async () => {
    const image = await upload(alice, 'public');
    const made = await post(carol, image, { body: 'an event' });
    expect((await api(t.url, 'DELETE', `/v1/images/${image}/comments/${String(made.body.id)}`, alice.key)).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/v1/images/${image}/comments/${String(made.body.id)}`, alice.key)).status).toBe(404);
    const entries = (await t.redis.client.xrange(redisKeys.events(shardOf(image)), '-', '+')).map(([id, fields]) => parseEvent(id, fields)!).filter((e) => e.type.startsWith('comment.') && e.imageId === image);
    expect(entries.map((e) => ({ type: e.type, ownerId: e.ownerId, actorId: e.actorId, data: e.data }))).toEqual([
      { type: 'comment.created', ownerId: alice.id, actorId: carol.id, data: { commentId: made.body.id, imageId: image, authorId: carol.id } },
      { type: 'comment.deleted', ownerId: alice.id, actorId: alice.id, data: { commentId: made.body.id, imageId: image, authorId: carol.id } },
    ]);
  });

  it('give a user more than 10 a minute a 429 with Retry-After, and store nothing for it', async () => {
    const chatty = await createUser(t.url, t.adminKey, `chatty-${n++}`);
    const image = await upload(alice, 'public');
    for (let i = 0; i < 10; i++) expect((await post(chatty, image, { body: `burst ${i}` })).status).toBe(201);
    const limited = await post(chatty, image, { body: 'one too many' });
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited' });
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await commentObjects(image)).length).toBe(10);
    // The limit is the author's, not the image's: someone else still comments.
    expect((await post(bob, image, { body: 'not limited' })).status).toBe(201);
  });

  it('of a deleted image are as unknown as the image, come back with it, and go when it is erased', async () => {
    const image = await upload(alice, 'public');
    expect((await post(bob, image, { body: 'in the trash soon' })).status).toBe(201);
    expect((await api(t.url, 'DELETE', `/v1/images/${image}`, alice.key)).status).toBe(200);
    expect((await list(alice, image)).status).toBe(404);
    expect((await list(undefined, image)).status).toBe(404);
    expect((await post(bob, image, { body: 'too late' })).status).toBe(404);
    expect((await api(t.url, 'POST', `/v1/images/${image}/restore`, alice.key)).status).toBe(200);
    expect(bodies((await list(undefined, image)).body)).toEqual(['in the trash soon']);
    expect((await api(t.url, 'DELETE', `/v1/images/${image}?purge=true`, alice.key)).status).toBe(200);
    expect(await commentObjects(image)).toEqual([]);
    for (const key of [redisKeys.comments(image), redisKeys.commentBodies(image), redisKeys.commenters(image)]) expect(await t.redis.client.exists(key)).toBe(0);
  });
});

describe('a Redis wipe', () => {
  it('loses no comment: imgsvc reindex restores threads, counts, the toggle and who commented', async () => {
    const [pub, priv] = [await upload(alice, 'public'), await upload(alice, 'private')];
    for (const [user, image, body] of [[bob, pub, 'one'], [carol, pub, 'two'], [bob, priv, 'three'], [alice, pub, 'four']] as const) {
      expect((await post(user, image, { body })).status).toBe(201);
      await pause();
    }
    expect((await api(t.url, 'PATCH', `/v1/images/${priv}`, alice.key, { commentsEnabled: false })).status).toBe(200);
    const snapshot = async () => ({
      pub: (await list(undefined, pub)).body,
      priv: (await list(bob, priv)).body,
      counts: [(await api(t.url, 'GET', `/v1/images/${pub}`, alice.key)).body.commentCount, (await api(t.url, 'GET', `/v1/images/${priv}`, alice.key)).body.commentCount],
      commenters: await t.redis.client.zrange(redisKeys.commenters(pub), 0, -1, 'WITHSCORES'),
    });
    const before = await snapshot();
    expect(bodies(before.pub)).toEqual(['one', 'two', 'four']);
    expect(before.counts).toEqual([3, 1]);

    await t.redis.client.flushall();
    const reindexed = await reindexCapturing(t.env);
    expect(reindexed.code).toBe(0);
    expect(reindexed.out).toMatch(/\d+ favorites, \d+ comments and \d+ webhook endpoints/);
    const after = await snapshot();
    // Cursors are MAC'd, not stored: the same positions give the same cursors.
    expect(after).toEqual(before);
    expect((await post(bob, priv, { body: 'still off' })).body.error).toMatchObject({ code: 'comments_disabled' });
    expect((await post(bob, pub, { body: 'five' })).status).toBe(201);
  });

  it('leaves out a malformed comment object (reported) and deletes one an erase left behind', async () => {
    const [kept, erased] = [await upload(alice, 'public'), await upload(alice, 'public')];
    await post(bob, kept, { body: 'kept' });
    const late = (await post(bob, erased, { body: 'written while the erase ran' })).body as unknown as Item;
    expect((await api(t.url, 'DELETE', `/v1/images/${erased}?purge=true`, alice.key)).status).toBe(200);
    // As if the comment's write had landed just after the erase swept the prefix.
    await t.service.store.put(`comments/${erased}/${late.id}.json`, Buffer.from(JSON.stringify(late)));
    const broken = `comments/${kept}/${'0'.repeat(26)}.json`;
    await t.service.store.put(broken, Buffer.from(JSON.stringify({ id: 'x', body: 1 })));
    await t.redis.client.flushall();
    const reindexed = await reindexCapturing(t.env);
    expect(reindexed.code).toBe(2);
    expect(reindexed.out).toContain(broken);
    expect(bodies((await list(undefined, kept)).body)).toEqual(['kept']);
    expect(await commentObjects(erased)).toEqual([]);
    expect(await t.redis.client.exists(redisKeys.comments(erased))).toBe(0);
  });
});
