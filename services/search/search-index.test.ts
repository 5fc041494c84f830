import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { ImageGuard } from '../access/image-guard.js';
import type { Principal } from '../accounts/principal.js';
import { ViewerGrants } from '../accounts/viewer-grants.js';
import { newImageId } from '../core/ids.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { foldTag } from '../images/metadata.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { imageTerms } from './fold-tokens.js';
import { matchesTerms, parseQuery } from './parse-query.js';
import { SearchIndex } from './search-index.js';
import { searchKeys, searchShardCount } from './search-keys.js';
import { setShardCount } from '../redis/keys.js';
import { visibilityPlan } from './search-scopes.js';

/**
 * The sharded index against a model: random images (numbered out of id order too, so 'late'
 * docs are exercised), edits, deletions and removals, then every query paged to the end for
 * several callers must give exactly what a scan of the records gives, newest first.
 */
let r: TestRedis;
let dir: string;
let index: ImageIndex;
let grants: ViewerGrants;
const records = new Map<string, ImageRecord>();

let seed = 42;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const WORDS = ['red', 'beach', 'sunset', 'café', 'straße', 'noir', 'tower', 'sea', 'sky', 'night', 'paris', 'berlin', 'rain', 'snow', 'dog', 'cat', 'tree', 'road', 'redwood', 'reddish'];
// Skewed, so a few words are in most images (bitmap postings) and most in a few (arrays).
const word = () => WORDS[Math.min(WORDS.length - 1, Math.floor(WORDS.length ** random()) - 1)]!;
const OWNERS = ['01OWNERA000000000000000000', '01OWNERB000000000000000000', '01OWNERC000000000000000000', '01OWNERD000000000000000000'];
const user = (userId: string, role: 'user' | 'admin' = 'user'): Principal => ({ kind: 'user', userId, role, keyId: 'k', scopes: role === 'admin' ? ['images:read', 'admin'] : ['images:read'] });

function makeRecord(id: string): ImageRecord {
  const at = new Date().toISOString();
  return {
    id, ownerId: pick(OWNERS), visibility: random() < 0.4 ? 'public' : 'private', sha256: id.toLowerCase().padEnd(64, '0').slice(0, 64), format: 'jpeg',
    width: 10, height: 10, bytes: 100, orientation: 1, hasAlpha: false, frames: 1, status: 'ready', createdAt: at, updatedAt: at, variants: [],
    meta: { title: `${word()} ${word()}`, description: `${word()} ${word()} ${word()}`, tags: random() < 0.5 ? [pick(['Paris', 'Beach', 'Night'])] : [] },
    revision: 1,
  };
}

async function expectModel(search: SearchIndex, p: Principal, q: string, opts: { ownerId?: string; tag?: string; limit?: number } = {}) {
  const terms = parseQuery(q);
  const granting = p.kind === 'user' ? await grants.ownersViewableBy(p.userId) : [];
  const ownerGranted = p.kind === 'user' && opts.ownerId !== undefined && (await grants.isGranted(opts.ownerId, p.userId));
  const plan = visibilityPlan(p, opts.ownerId, { ownerGranted, grantingOwners: granting });
  const expected = [...records.values()]
    .filter((x) => x.deletedAt === undefined && (x.visibility === 'public' || plan.owners.includes(x.ownerId)))
    .filter((x) => opts.ownerId === undefined || x.ownerId === opts.ownerId)
    .filter((x) => opts.tag === undefined || x.meta.tags.some((t) => foldTag(t) === opts.tag))
    .filter((x) => matchesTerms(imageTerms(x.meta).tokens, terms))
    .map((x) => x.id)
    .sort()
    .reverse();
  const got: string[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await search.search(p, { terms, ownerId: opts.ownerId, tag: opts.tag, limit: opts.limit ?? 7, after });
    got.push(...page.items.map((x) => x.id));
    after = page.nextAfter;
    if (!after) break;
  }
  expect(got, `${q} ${JSON.stringify(opts)} missing ${expected.filter((x) => !got.includes(x))} extra ${got.filter((x) => !expected.includes(x))} caller ${JSON.stringify(p)}`).toEqual(expected);
  return expected.length;
}

beforeAll(async () => {
  r = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-search-'));
  setShardCount(4);
  const store = await FsObjectStore.open(dir);
  grants = new ViewerGrants(r.client, store, undefined);
  index = new ImageIndex(r.client);
  // OWNERB granted OWNERA; OWNERC granted OWNERA too.
  await r.client.sadd(redisKeys.viewers(OWNERS[1]!), OWNERS[0]!).then(() => r.client.sadd(redisKeys.viewing(OWNERS[0]!), OWNERS[1]!));
  await r.client.sadd(redisKeys.viewers(OWNERS[2]!), OWNERS[0]!).then(() => r.client.sadd(redisKeys.viewing(OWNERS[0]!), OWNERS[2]!));
  // Ids minted over a day, indexed in a shuffled order: about half are numbered after a greater id.
  const start = Date.parse('2026-03-01T00:00:00Z');
  const ids = Array.from({ length: 700 }, () => newImageId(start + Math.floor(random() * 86_400_000)));
  const ordered = ids.slice(0, 500).sort();
  const shuffled = ids.slice(500);
  for (const id of [...ordered, ...shuffled]) {
    const rec = makeRecord(id);
    await index.put(rec);
    records.set(id, rec);
  }
  // Edits, visibility changes, deletions and restores, removals.
  const all = [...records.keys()];
  for (let i = 0; i < 150; i++) {
    const id = pick(all);
    const before = records.get(id);
    if (!before) continue;
    const roll = random();
    let next: ImageRecord | undefined;
    if (roll < 0.3) next = { ...before, meta: { ...before.meta, title: `${word()} ${word()}` } };
    else if (roll < 0.55) next = { ...before, visibility: before.visibility === 'public' ? 'private' : 'public' };
    else if (roll < 0.75) next = before.deletedAt ? { ...before, deletedAt: undefined } : { ...before, deletedAt: new Date().toISOString() };
    else if (roll < 0.85) next = { ...before, meta: { ...before.meta, tags: ['Beach'] } };
    if (next) {
      await index.update(next, before);
      records.set(id, next);
    } else {
      await index.remove(id);
      records.delete(id);
    }
  }
}, 120_000);

afterAll(async () => {
  setShardCount(16);
  await r?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const queries = ['red ', 'red', 're', 'r', 'beach sea ', 'sunset sky night', 'cafe', 'strasse ', 'nothingatall ', 'paris ', 'sky be'];
const callers: [string, Principal][] = [
  ['anonymous', { kind: 'anonymous' }],
  ['owner A (granted by B and C)', user(OWNERS[0]!)],
  ['owner D (no grants)', user(OWNERS[3]!)],
  ['admin', user('01ADMIN0000000000000000000', 'admin')],
];

describe('the sharded search index', () => {
  it('uses every shard, and numbers some images late', async () => {
    for (let s = 0; s < searchShardCount(); s++) expect(Number(await r.client.hget(searchKeys.state(s), 'seq'))).toBeGreaterThan(50);
    let late = 0;
    for (let s = 0; s < searchShardCount(); s++) late += await r.client.zcard(searchKeys.late(s));
    expect(late).toBeGreaterThan(50);
  });

  it.each(callers)('answers %s exactly like a scan of the records, every page', async (_name, p) => {
    const search = new SearchIndex(r.client, index, new ImageGuard((id) => index.get(id), grants), grants);
    let total = 0;
    for (const q of queries) total += await expectModel(search, p, q);
    expect(total).toBeGreaterThan(100);
    await expectModel(search, p, 'red', { tag: 'beach' });
    for (const o of OWNERS) await expectModel(search, p, 're', { ownerId: o, limit: 3 });
  });

  it('gives the same answers when each shard may only look at a few docs per round (pages cut short go on)', async () => {
    const search = new SearchIndex(r.client, index, new ImageGuard((id) => index.get(id), grants), grants, { shardBudget: 3, maxRounds: 2 });
    for (const [, p] of callers) for (const q of ['red ', 're', 'beach sea ']) await expectModel(search, p, q, { limit: 5 });
  });
});
