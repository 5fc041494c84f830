import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reindexCapturing } from '../helpers/reindex.js';
import { DOC_RECORD_BYTES, FLAG_PUBLIC } from '../../services/search/doc-record.js';
import { searchKeys, searchShardOf } from '../../services/search/search-keys.js';
import { api, type TestUser } from '../helpers/accounts.js';
import { startServiceWithPeople, type ServiceWithPeople } from '../helpers/people.js';
import type { TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/** Search over HTTP against a real Redis: folding, prefixes, filters, paging, hiding, and a wipe restored by reindex. */
let t: TestService;
let people: ServiceWithPeople;
// alice owns, bob is her granted viewer, carol a stranger (test/helpers/people.ts).
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
const img: Record<string, string> = {};
const ids = (body: Record<string, unknown>) => (body.items as { id: string }[]).map((i) => i.id);
const search = (user: TestUser | undefined, query: string) => api(t.url, 'GET', `/v1/search?${query}`, user?.key);
const found = async (user: TestUser | undefined, query: string) => {
  const res = await search(user, query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return ids(res.body);
};
const q = (text: string) => `q=${encodeURIComponent(text)}`;

async function upload(name: string, user: TestUser, visibility: 'public' | 'private', meta: { title?: string; description?: string; tags?: string }): Promise<void> {
  img[name] = await people.upload(user, visibility, meta);
}

beforeAll(async () => {
  people = await startServiceWithPeople({ IMGSVC_INDEX_CHECK_SECONDS: '0' });
  ({ t, owner: alice, viewer: bob, stranger: carol } = people);
  // In this order, so newest first is the reverse.
  await upload('a1', alice, 'public', { title: 'Café de Flore', tags: 'Paris', description: 'coffee on the terrace' });
  await upload('a2', alice, 'public', { title: 'CAFE NOIR', description: 'Straße in Berlin' });
  await upload('a3', alice, 'public', { title: 'cafe\u0301 au lait', tags: 'Breakfast' });
  await upload('a4', alice, 'private', { title: 'Café secret', tags: 'Paris' });
  await upload('b1', bob, 'public', { title: 'Strasse am Meer', tags: 'Beach' });
  await upload('b2', bob, 'public', { title: 'Sunset beach', description: 'red sky at night' });
  await upload('c1', carol, 'private', { title: 'Café of my own' });
});

afterAll(async () => {
  await t?.stop();
});

describe('search correctness', () => {
  const rows: [string, string, 'anonymous' | 'alice' | 'bob' | 'carol', string[]][] = [
    ['folded: Café', q('Café'), 'anonymous', ['a3', 'a2', 'a1']],
    ['folded: cafe', q('cafe'), 'anonymous', ['a3', 'a2', 'a1']],
    ['folded: CAFÉ, complete word', q('CAFÉ '), 'anonymous', ['a3', 'a2', 'a1']],
    ['decomposed é', q('cafe\u0301'), 'anonymous', ['a3', 'a2', 'a1']],
    ['Straße finds Strasse', q('Straße'), 'anonymous', ['b1', 'a2']],
    ['STRASSE finds Straße', q('STRASSE'), 'anonymous', ['b1', 'a2']],
    ['prefix', q('caf'), 'anonymous', ['a3', 'a2', 'a1']],
    ['prefix of a description word', q('terr'), 'anonymous', ['a1']],
    ['a complete word is no prefix', q('caf '), 'anonymous', []],
    ['all terms required', q('red beach'), 'anonymous', ['b2']],
    ['all terms, last one a prefix', q('beach sun'), 'anonymous', ['b2']],
    ['all terms, none matching together', q('beach noir'), 'anonymous', []],
    ['tags are searched', q('breakfast'), 'anonymous', ['a3']],
    ['the owner sees their private image', q('cafe'), 'alice', ['a4', 'a3', 'a2', 'a1']],
    ['a granted viewer sees the owner’s private image', q('cafe'), 'bob', ['a4', 'a3', 'a2', 'a1']],
    ['a stranger sees their own, never another’s private', q('cafe'), 'carol', ['c1', 'a3', 'a2', 'a1']],
    ['tag filter', `${q('cafe')}&tag=paris`, 'anonymous', ['a1']],
    ['tag filter, folded', `${q('cafe')}&tag=PARIS`, 'bob', ['a4', 'a1']],
    ['owner filter by id', `${q('strasse')}&owner=BOB`, 'anonymous', ['b1']],
    ['owner filter by handle', `${q('strasse')}&owner=alice`, 'anonymous', ['a2']],
    ['owner filter, owner sees private', `${q('caf')}&owner=alice`, 'alice', ['a4', 'a3', 'a2', 'a1']],
    ['owner filter, stranger sees public', `${q('caf')}&owner=alice`, 'carol', ['a3', 'a2', 'a1']],
    ['owner filter, unknown handle', `${q('caf')}&owner=nobody`, 'anonymous', []],
    ['no match', q('zebra'), 'anonymous', []],
  ];
  it.each(rows)('%s', async (_name, query, who, expected) => {
    const user = { anonymous: undefined, alice, bob, carol }[who];
    expect(await found(user, query.replace('BOB', bob.id))).toEqual(expected.map((k) => img[k]));
  });

  it('pages newest first with cursors that belong to their query', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await search(undefined, `${q('caf')}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      seen.push(...ids(res.body));
      cursor = res.body.nextCursor as string | null;
      if (cursor) {
        const other = await search(undefined, `${q('cafe noir')}&limit=1&cursor=${cursor}`);
        expect(other.status).toBe(400);
        expect(other.body).toMatchObject({ error: { code: 'invalid_cursor' } });
      }
    } while (cursor);
    expect(seen).toEqual([img.a3, img.a2, img.a1]);
  });

  it('refuses bad input with a clear JSON error', async () => {
    const cases: [string, number, string][] = [
      [q('x'.repeat(10_240)), 400, 'query_too_long'],
      [q('?!… — ...'), 400, 'empty_query'],
      ['', 400, 'invalid_parameter'],
      [`${q('cafe')}&limit=0`, 400, 'invalid_parameter'],
      [`${q('cafe')}&limit=ten`, 400, 'invalid_parameter'],
      [`${q('cafe')}&cursor=not-a-cursor`, 400, 'invalid_cursor'],
      [`${q('cafe')}&owner=${encodeURIComponent('Not A Handle!')}`, 400, 'invalid_parameter'],
      [`${q('cafe')}&tag=${encodeURIComponent('a,b')}`, 400, 'invalid_parameter'],
    ];
    for (const [query, status, code] of cases) {
      const res = await search(undefined, query);
      expect(res.status, query.slice(0, 60)).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(res.body).toMatchObject({ error: { code } });
    }
  });
});

describe('search hides what became invisible, in the very next query', () => {
  it('an edited title is found by its new words only', async () => {
    expect((await api(t.url, 'PATCH', `/v1/images/${img.a2}`, alice.key, { title: 'Noir only' })).status).toBe(200);
    expect(await found(undefined, q('cafe'))).toEqual([img.a3, img.a1]);
    expect(await found(undefined, q('noir only'))).toEqual([img.a2]);
  });

  it('made private', async () => {
    expect(await found(carol, q('sunset'))).toEqual([img.b2]);
    expect((await api(t.url, 'PATCH', `/v1/images/${img.b2}`, bob.key, { visibility: 'private' })).status).toBe(200);
    expect(await found(carol, q('sunset'))).toEqual([]);
    expect(await found(undefined, q('sunset'))).toEqual([]);
    expect(await found(bob, q('sunset'))).toEqual([img.b2]);
  });

  it('a revoked grant', async () => {
    expect(await found(bob, q('secret'))).toEqual([img.a4]);
    expect((await api(t.url, 'DELETE', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(204);
    expect(await found(bob, q('secret'))).toEqual([]);
    expect(await found(bob, `${q('secret')}&owner=alice`)).toEqual([]);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
    expect(await found(bob, q('secret'))).toEqual([img.a4]);
  });

  it('deleted', async () => {
    expect(await found(alice, q('flore'))).toEqual([img.a1]);
    expect((await api(t.url, 'DELETE', `/v1/images/${img.a1}`, alice.key)).status).toBe(200);
    expect(await found(alice, q('flore'))).toEqual([]);
    expect((await api(t.url, 'POST', `/v1/images/${img.a1}/restore`, alice.key)).status).toBe(200);
    expect(await found(alice, q('flore'))).toEqual([img.a1]);
  });

  it('even when the index lags: every candidate is re-checked against its record', async () => {
    // As if the privacy change had not reached the index: the private image's doc still marked public, and in the public postings.
    const shard = searchShardOf(img.a4!);
    const doc = Number(await t.redis.client.hget(searchKeys.docOf(shard, img.a4!), img.a4!));
    const at = doc * DOC_RECORD_BYTES + DOC_RECORD_BYTES - 1;
    const flags = (await t.redis.client.getrangeBuffer(searchKeys.docs(shard), at, at))[0]!;
    await t.redis.client.setrange(searchKeys.docs(shard), at, Buffer.from([flags | FLAG_PUBLIC]));
    expect(await found(carol, q('secret'))).toEqual([]);
    expect(await found(undefined, q('secr'))).toEqual([]);
    // A planted doc number that names no image of the term, and one past the end: never shown.
    await t.redis.client.append(searchKeys.term(shard, 'secret'), Buffer.from([0, 0, 0xff, 0xff]));
    expect(await found(undefined, q('secret'))).toEqual([]);
    expect(await found(alice, q('secret'))).toEqual([img.a4]);
    await t.redis.client.setrange(searchKeys.docs(shard), at, Buffer.from([flags]));
  });
});

describe('FLUSHALL + reindex', () => {
  it('restores search as it was', async () => {
    for (const id of Object.values(img)) await waitForStatus(t.url, id, ['ready', 'failed']);
    const queries: [TestUser | undefined, string][] = [
      [undefined, q('caf')],
      [alice, q('cafe')],
      [bob, `${q('cafe')}&tag=paris`],
      [carol, q('strasse')],
      [bob, q('sunset')],
      [undefined, `${q('strasse')}&owner=alice`],
    ];
    const snapshot = async () => Promise.all(queries.map(([u, query]) => found(u, query)));
    const before = await snapshot();
    expect(before.flat().length).toBeGreaterThan(8);
    await t.redis.client.flushall();
    const reindexed = await reindexCapturing(t.env);
    expect(reindexed.code).toBe(0);
    expect(await snapshot()).toEqual(before);
  });
});
