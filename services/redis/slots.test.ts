import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { newImageId } from '../core/ids.js';
import { keySlot, newImageIdInShard } from '../core/shards.js';
import { dedupKey } from '../core/dedup-key.js';
import { imageSteps } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { resizeSteps } from '../resizer/job-queue.js';
import { albumSteps } from '../sharing/album-store.js';
import { commentSteps } from '../sharing/comments.js';
import { eraseStep } from '../sharing/erase-image.js';
import { favoriteSteps } from '../sharing/favorites.js';
import { notificationSteps } from '../sharing/notifications.js';
import { dedupShard, setShardCount, shardCount, shardOf } from './keys.js';
import { legacyKeys } from './legacy-keys.js';
import { declaredSteps, slotsOf, stepKeys, type StepDecl } from './steps.js';

/**
 * The one-slot rule, checked: every declared atomic step (script, MULTI, pipeline) over many
 * random ids, owners, tags and shard counts touches keys of one Redis Cluster slot.
 */
const ROUNDS = 400;

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

type Listed = Pick<ImageRecord, 'id' | 'ownerId' | 'visibility' | 'deletedAt' | 'meta' | 'sha256'>;

/** A record as an upload mints it: its id in its dedup entry's shard. */
function uploaded(): Listed {
  const ownerId = newImageId();
  const sha256 = hex(32);
  const id = newImageIdInShard(dedupShard(dedupKey({ ownerId, sha256 })), shardCount());
  return { id, ownerId, sha256, ...shape() };
}

/** Any record, of any id (ids minted before sharding map to a shard too). */
function anyRecord(): Listed {
  return { id: newImageId(), ownerId: newImageId(), sha256: hex(32), ...shape() };
}

function shape(): Pick<ImageRecord, 'visibility' | 'deletedAt' | 'meta'> {
  const tags = Array.from({ length: Math.floor(Math.random() * 4) }, () => pick(['cat', 'Sea', 'été', 'a b', '{x}', hex(3)]));
  return {
    visibility: pick(['public', 'private'] as const),
    ...(Math.random() < 0.3 ? { deletedAt: new Date().toISOString() } : {}),
    meta: { tags, ...(Math.random() < 0.5 ? { title: 'x' } : {}) } as ImageRecord['meta'],
  };
}

/** Random arguments for every declared step, by name: a step without one fails the test. */
const ARGS: Record<string, () => unknown[]> = {
  'image.create': () => [uploaded()],
  'image.update': () => {
    const next = anyRecord();
    return [next, Math.random() < 0.8 ? { ...next, ...shape() } : undefined];
  },
  'image.put': () => [anyRecord()],
  'image.remove': () => [anyRecord()],
  'image.erase': () => [anyRecord()],
  'resize.enqueue': () => [newImageId()],
  'resize.dead-letter': () => [Math.floor(Math.random() * shardCount())],
  'favorite.user': () => [newImageId()],
  'favorite.image': () => [newImageId()],
  'comment.add': () => [newImageId()],
  'comment.remove': () => [newImageId()],
  'comment.forget': () => [newImageId()],
  'album.write': () => [newImageId()],
  'notification.apply': () => [newImageId()],
  'notification.read-up-to': () => [newImageId()],
};

/** Steps whose keys span more than one slot in some round, with an example. */
function crossing(steps: readonly { name: string; keys: (...a: never[]) => string[] }[], args: (name: string) => unknown[]): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const step of steps) {
    for (let i = 0; i < ROUNDS && !found.has(step.name); i++) {
      const keys = (step.keys as (...a: unknown[]) => string[])(...args(step.name));
      if (slotsOf(keys).length > 1) found.set(step.name, keys);
    }
  }
  return found;
}

afterEach(() => setShardCount(16));

describe('every atomic step touches one slot', () => {
  // Importing the modules above declared their steps; none may lack arguments here.
  const steps = declaredSteps();

  it('knows every declared step', () => {
    // The modules' own step tables, referenced so that importing them declares their steps.
    const tables = [imageSteps, resizeSteps, albumSteps, commentSteps, { eraseStep }, favoriteSteps, notificationSteps];
    const named = tables.flatMap((t) => Object.values(t).map((s: StepDecl<never[]>) => s.name));
    expect(steps.map((s) => s.name)).toEqual(expect.arrayContaining(named));
    expect(steps.length).toBeGreaterThanOrEqual(Object.keys(ARGS).length);
    expect(steps.map((s) => s.name).filter((n) => !(n in ARGS))).toEqual([]);
    expect(new Set(steps.map((s) => s.name)).size).toBe(steps.length);
  });

  it.each([1, 2, 16, 1024])('with %i shards, over random ids, owners and tags', (n) => {
    setShardCount(n);
    const bad = crossing(steps, (name) => ARGS[name]!());
    expect([...bad].map(([name, keys]) => `${name}: ${keys.map((k) => `${k} → ${keySlot(k)}`).join(', ')}`)).toEqual([]);
  });

  // The record steps also queue the image's search entries on their MULTI (services/search/,
  // retagged per shard on branch h-search): once merged, declare them in image.create/update.
  it.todo('keeps the search entries queued on the record MULTI in the image\'s slot');

  it('puts an upload\'s pivot in the shard of the new id, whatever the owner', () => {
    for (let i = 0; i < ROUNDS; i++) {
      const r = uploaded();
      expect(shardOf(r.id)).toBe(dedupShard(dedupKey(r)));
    }
  });

  it('refuses at run time a step whose keys cross slots, as a cluster would', () => {
    const bad: StepDecl<[string, string]> = { name: 'bad', kind: 'multi', keys: (a, b) => [a, b] };
    expect(() => stepKeys(bad, 'imgsvc:{s1}:a', 'imgsvc:{s2}:b')).toThrow(/crosses slots/);
    expect(stepKeys(bad, 'imgsvc:{s1}:a', 'imgsvc:{s1}:b')).toHaveLength(2);
  });

  it('flags the steps of the layout before sharding (the check fails on that code)', () => {
    // The same steps over the old key shapes, as the code before issue 20 ran them.
    const L = legacyKeys;
    const listings = (r: Listed) =>
      r.deletedAt !== undefined ? [L.trash(r.ownerId)] : [L.ownerImages(r.ownerId), ...(r.visibility === 'public' ? [L.ownerPublic(r.ownerId)] : []), ...r.meta.tags.map((t) => L.ownerTag(r.ownerId, t))];
    const legacy = [
      { name: 'image.create', keys: (r: Listed) => [L.byDedupKey(dedupKey(r)), L.image(r.id), L.allImages, L.resizeStream, L.resizeLive, L.shaRefs(r.sha256), L.events, ...listings(r)] },
      { name: 'image.update', keys: (r: Listed) => [L.image(r.id), ...listings(r), L.trashByTime, L.events] },
      { name: 'image.put', keys: (r: Listed) => [L.image(r.id), L.allImages, L.shaRefs(r.sha256), ...listings(r), L.byDedupKey(dedupKey(r))] },
      { name: 'image.erase', keys: (r: Listed) => [L.image(r.id), L.allImages, L.trashByTime, L.resizeLive, L.events, ...listings(r)] },
      { name: 'favorite.add', keys: (u: string, i: string) => [L.favoriteOf(u), L.favorites(u), L.events, L.favoriters(i)] },
      { name: 'comment.remove', keys: (i: string) => [L.commentBodies(i), L.comments(i), L.events] },
      { name: 'album.write', keys: (a: string, o: string, i: string) => [L.album(a), L.ownerAlbums(o), L.imageAlbums(i), L.events] },
      { name: 'grant', keys: (o: string, v: string) => [L.viewers(o), L.viewing(v)] },
      { name: 'api-key.create', keys: (k: string, u: string) => [L.apiKey(k), L.userKeys(u)] },
      { name: 'resize.dead-letter', keys: () => [L.resizeDeadStream, L.resizeStream] },
      { name: 'analytics.top', keys: () => [L.topHour('2026120700', 'requests'), L.topHour('2026120701', 'requests')] },
    ] as unknown as { name: string; keys: (...a: never[]) => string[] }[];
    const args = (name: string): unknown[] =>
      name.startsWith('image.') ? [uploaded()] : [newImageId(), newImageId(), newImageId()];
    // Every one of them crossed slots: 33 of 59 call sites in the issue's count, these the atomic ones.
    expect([...crossing(legacy, args).keys()].sort()).toEqual(legacy.map((s) => s.name).sort());
  });
});
