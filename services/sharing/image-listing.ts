import type { Redis } from 'ioredis';
import type { ImageGuard } from '../access/image-guard.js';
import type { Principal } from '../accounts/principal.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord, ImageStatus } from '../images/image-record.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { mergedRange } from './merged-range.js';
import type { Cursor } from '../http/cursor.js';
import { foldTag } from '../images/metadata.js';

export interface ListQuery {
  ownerId: string;
  tag?: string | undefined;
  status?: ImageStatus | undefined;
  trash?: boolean;
  /** `taken`: by date taken (EXIF, or as set), newest first, falling back to the upload time. */
  sort?: 'uploaded' | 'taken' | undefined;
  limit: number;
  cursor?: Cursor | undefined;
}

export interface ListPage {
  items: ImageRecord[];
  /** The id to page on from (older items), when there may be more. */
  nextAfter: string | undefined;
  /** The id to page back from (newer items), when there are any. */
  prevBefore: string | undefined;
}

/** Raw members fetched per round while filtering; the scan stops after MAX_ROUNDS. */
const ROUND = 100;
const MAX_ROUNDS = 20;
/** `sort=taken` orders this many of the owner's most recent uploads (the index is by upload time). */
export const TAKEN_SORT_WINDOW = 5000;

/**
 * Where a listing's candidates come from: the sets scanned (one per shard), and, for a tag asked
 * by a caller who does not see every image of the owner, the tag's sets the scanned ids must
 * also be in. Such a caller scans the owner's *public* listing and keeps its tagged ids, so the
 * owner's hidden images (tagged or not) cost them nothing (issue 21, item 7c).
 */
interface Source {
  keys: string[];
  alsoIn?: (shard: number) => string;
}

/** When a photo was taken, for ordering: the date taken, else the upload time. */
export function takenMs(r: ImageRecord): number {
  const taken = r.meta.takenAt ? Date.parse(r.meta.takenAt) : NaN;
  return Number.isNaN(taken) ? Date.parse(r.createdAt) : taken;
}

/** Newest taken first; ties by id, newest first, so the order is total and pages are stable. */
export function byTakenDesc(a: ImageRecord, b: ImageRecord): number {
  return takenMs(b) - takenMs(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * An owner's images, newest first, paged by id (ULIDs sort by time): a page starts strictly
 * after or before an id, so uploads at the head and deletions never shift, duplicate or skip
 * an item. Whether the caller may see each item is asked of the access guard at query time.
 */
export class ImageListing {
  constructor(
    private readonly redis: Redis,
    private readonly index: ImageIndex,
    private readonly guard: ImageGuard,
  ) {}

  async list(principal: Principal, q: ListQuery): Promise<ListPage> {
    if (q.sort === 'taken' && !q.trash) return this.listByTaken(principal, q);
    const source = await this.source(principal, q);
    const before = q.cursor?.dir === 'before';
    const items: ImageRecord[] = [];
    let bound = q.cursor ? `(${q.cursor.id}` : before ? '-' : '+';
    let scanned: string | undefined;
    let exhausted = false;
    for (let round = 0; round < MAX_ROUNDS && items.length <= q.limit && !exhausted; round++) {
      // Newest first when paging on; oldest first (then reversed) when paging back.
      // The owner's listing has one set per shard: merged by id, the order one set gave.
      const got = await mergedRange(this.redis, source.keys, bound, before ? 'up' : 'down', ROUND);
      const ids = got.ids;
      exhausted = got.exhausted;
      if (ids.length > 0) {
        scanned = ids[ids.length - 1];
        bound = `(${scanned}`;
      }
      for (const record of await this.index.getMany(await this.keep(ids, source))) {
        if (record && (await this.visible(principal, record, q))) items.push(record);
        if (items.length > q.limit) break;
      }
    }
    const more = items.length > q.limit;
    // The scan stopped at its round limit with the page not full: the rest is after the last id
    // scanned (every scanned id the page could hold is in it), so the cursor continues from there.
    const cutShort = !more && !exhausted && scanned !== undefined;
    const page = items.slice(0, q.limit);
    if (before) page.reverse();
    const first = page[0]?.id;
    const last = page[page.length - 1]?.id;
    const newer = before ? more || cutShort : q.cursor !== undefined;
    const older = before ? q.cursor !== undefined : more || cutShort;
    return {
      items: page,
      nextAfter: older ? (cutShort && !before ? scanned : (last ?? q.cursor?.id)) : undefined,
      prevBefore: newer ? (cutShort && before ? scanned : (first ?? q.cursor?.id)) : undefined,
    };
  }

  /** The scanned ids that are also in the source's filter sets (one ZMSCORE per shard), or all of them. */
  private async keep(ids: string[], source: Source): Promise<string[]> {
    const alsoIn = source.alsoIn;
    if (!alsoIn || ids.length === 0) return ids;
    const byShard = new Map<number, string[]>();
    for (const id of ids) byShard.set(shardOf(id), [...(byShard.get(shardOf(id)) ?? []), id]);
    const present = new Set<string>();
    await Promise.all(
      [...byShard].map(async ([shard, group]) => {
        const scores = await this.redis.zmscore(alsoIn(shard), ...group);
        group.forEach((id, i) => scores[i] !== null && present.add(id));
      }),
    );
    return ids.filter((id) => present.has(id));
  }

  /**
   * The index is ordered by upload (ids are ULIDs): ordering by date taken reads the newest
   * TAKEN_SORT_WINDOW uploads and sorts them. A cursor names an image; the page continues
   * strictly after (or before) where that image sorts, so a deletion never shifts a page.
   */
  private async listByTaken(principal: Principal, q: ListQuery): Promise<ListPage> {
    const source = await this.source(principal, q);
    const { ids } = await mergedRange(this.redis, source.keys, '+', 'down', TAKEN_SORT_WINDOW);
    const all: ImageRecord[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      for (const record of await this.index.getMany(await this.keep(ids.slice(i, i + 500), source))) if (record && (await this.visible(principal, record, q))) all.push(record);
    }
    all.sort(byTakenDesc);
    let start = 0;
    let end = all.length;
    if (q.cursor) {
      const at = all.find((r) => r.id === q.cursor!.id) ?? (await this.index.get(q.cursor.id));
      // Where the cursor's image sorts: the first item that comes after it.
      const split = at ? all.findIndex((r) => byTakenDesc(at, r) < 0) : 0;
      const pos = split < 0 ? all.length : split;
      if (q.cursor.dir === 'after') start = pos;
      else end = all[pos - 1]?.id === q.cursor.id ? pos - 1 : pos;
    }
    const before = q.cursor?.dir === 'before';
    const from = before ? Math.max(start, end - q.limit) : start;
    const to = before ? end : Math.min(end, start + q.limit);
    const page = all.slice(from, to);
    return {
      items: page,
      nextAfter: to < all.length && page.length > 0 ? page[page.length - 1]!.id : undefined,
      prevBefore: from > 0 && page.length > 0 ? page[0]!.id : undefined,
    };
  }

  private async visible(principal: Principal, r: ImageRecord, q: ListQuery): Promise<boolean> {
    if (r.ownerId !== q.ownerId) return false;
    if (q.status && r.status !== q.status) return false;
    if (q.trash) return r.deletedAt !== undefined;
    return this.guard.canView(principal, r);
  }

  /**
   * The narrowest index that holds every item this caller may see: its set in every shard. A
   * tag is the tag's sets for a caller who sees all the owner's images; for anyone else, the
   * owner's public sets filtered by the tag's, never a scan over images they cannot see.
   */
  private async source(principal: Principal, q: ListQuery): Promise<Source> {
    const shards = allShards(shardCount());
    if (q.trash) return { keys: shards.map((s) => redisKeys.trash(s, q.ownerId)) };
    const seesAll = await this.guard.seesAllOf(principal, q.ownerId);
    const tag = q.tag === undefined || q.tag === '' ? undefined : foldTag(q.tag);
    if (tag !== undefined && seesAll) return { keys: shards.map((s) => redisKeys.ownerTag(s, q.ownerId, tag)) };
    const keys = shards.map((s) => (seesAll ? redisKeys.ownerImages(s, q.ownerId) : redisKeys.ownerPublic(s, q.ownerId)));
    return tag === undefined ? { keys } : { keys, alsoIn: (s) => redisKeys.ownerTag(s, q.ownerId, tag) };
  }
}
