import type { Redis } from 'ioredis';
import type { ImageGuard } from '../access/image-guard.js';
import type { Principal } from '../accounts/principal.js';
import { isAdmin } from '../accounts/principal.js';
import type { ViewerGrants } from '../accounts/viewer-grants.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord, ImageStatus } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import type { Cursor } from './cursor.js';
import { foldTag } from './metadata.js';

export interface ListQuery {
  ownerId: string;
  tag?: string | undefined;
  status?: ImageStatus | undefined;
  trash?: boolean;
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
    private readonly grants: ViewerGrants,
  ) {}

  async list(principal: Principal, q: ListQuery): Promise<ListPage> {
    const key = await this.sourceKey(principal, q);
    const before = q.cursor?.dir === 'before';
    const items: ImageRecord[] = [];
    let bound = q.cursor ? `(${q.cursor.id}` : before ? '-' : '+';
    let exhausted = false;
    for (let round = 0; round < MAX_ROUNDS && items.length <= q.limit && !exhausted; round++) {
      // Newest first when paging on; oldest first (then reversed) when paging back.
      const ids = before
        ? await this.redis.zrangebylex(key, bound, '+', 'LIMIT', 0, ROUND)
        : await this.redis.zrevrangebylex(key, bound, '-', 'LIMIT', 0, ROUND);
      exhausted = ids.length < ROUND;
      if (ids.length > 0) bound = `(${ids[ids.length - 1]}`;
      for (const record of await this.index.getMany(ids)) {
        if (record && (await this.visible(principal, record, q))) items.push(record);
        if (items.length > q.limit) break;
      }
    }
    const more = items.length > q.limit;
    const page = items.slice(0, q.limit);
    if (before) page.reverse();
    const first = page[0]?.id;
    const last = page[page.length - 1]?.id;
    const newer = before ? more : q.cursor !== undefined;
    const older = before ? q.cursor !== undefined : more;
    return { items: page, nextAfter: older ? last ?? q.cursor?.id : undefined, prevBefore: newer ? first ?? q.cursor?.id : undefined };
  }

  private async visible(principal: Principal, r: ImageRecord, q: ListQuery): Promise<boolean> {
    if (r.ownerId !== q.ownerId) return false;
    if (q.status && r.status !== q.status) return false;
    if (q.trash) return r.deletedAt !== undefined;
    return this.guard.canView(principal, r);
  }

  /** The narrowest index that holds every item this caller may see. */
  private async sourceKey(principal: Principal, q: ListQuery): Promise<string> {
    if (q.trash) return redisKeys.trash(q.ownerId);
    if (q.tag) return redisKeys.ownerTag(q.ownerId, foldTag(q.tag));
    const seesAll =
      principal.kind === 'user' && (principal.userId === q.ownerId || isAdmin(principal) || (await this.grants.isGranted(q.ownerId, principal.userId)));
    return seesAll ? redisKeys.ownerImages(q.ownerId) : redisKeys.ownerPublic(q.ownerId);
  }
}
