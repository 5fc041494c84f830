import type { Redis } from 'ioredis';
import type { Cursor } from '../http/cursor.js';

export interface Page<T> {
  items: T[];
  /** The position to page on from (older items), when there may be more. */
  nextAfter: string | undefined;
  /** The position to page back from (newer items), when there are any. */
  prevBefore: string | undefined;
}

const ROUND = 100;
const MAX_ROUNDS = 20;

/**
 * One page of a sorted set whose members sort by time (ULIDs, or a ULID then more), newest
 * first, the scheme of `ImageListing`: a page starts strictly after or before a position, and
 * `keep` turns each round of members into items, leaving out what the caller may not see.
 * `position(member)` is the cursor id of a member; `bound(cursor)` the exclusive lex bound.
 * `oldestFirst` turns the order round (a comment thread): `after` then pages on to newer items.
 */
export async function pageMembers<T>(
  redis: Redis,
  key: string,
  q: { limit: number; cursor?: Cursor | undefined; oldestFirst?: boolean },
  keep: (members: string[]) => Promise<{ member: string; item: T }[]>,
  position: (member: string) => string = (m) => m,
  bound: (c: Cursor) => string = (c) => `(${c.id}`,
): Promise<Page<T>> {
  const before = q.cursor?.dir === 'before';
  // The direction of travel: a page of an oldest-first listing reads forwards, its previous page backwards.
  const forwards = before !== (q.oldestFirst ?? false);
  const kept: { member: string; item: T }[] = [];
  let edge = q.cursor ? bound(q.cursor) : forwards ? '-' : '+';
  let exhausted = false;
  for (let round = 0; round < MAX_ROUNDS && kept.length <= q.limit && !exhausted; round++) {
    const members = forwards ? await redis.zrangebylex(key, edge, '+', 'LIMIT', 0, ROUND) : await redis.zrevrangebylex(key, edge, '-', 'LIMIT', 0, ROUND);
    exhausted = members.length < ROUND;
    if (members.length > 0) edge = `(${members[members.length - 1]}`;
    kept.push(...(await keep(members)));
  }
  return slicePage(kept, q, position);
}

/**
 * One page of a list in a fixed order (an album's items), paged by position like the rest:
 * after or before an item. An anchor no longer in the list answers undefined.
 */
export async function pageList<T>(ids: string[], q: { limit: number; cursor?: Cursor | undefined }, keep: (ids: string[]) => Promise<{ member: string; item: T }[]>): Promise<Page<T> | undefined> {
  const before = q.cursor?.dir === 'before';
  let at = q.cursor ? ids.indexOf(q.cursor.id) : before ? ids.length : -1;
  if (at < 0 && q.cursor) return undefined;
  // Read in the direction of travel: onwards from the anchor, or backwards from it.
  const ordered = before ? ids.slice(0, at).reverse() : ids.slice(at + 1);
  const kept: { member: string; item: T }[] = [];
  for (at = 0; at < ordered.length && kept.length <= q.limit; at += ROUND) kept.push(...(await keep(ordered.slice(at, at + ROUND))));
  return slicePage(kept, q, (m) => m);
}

function slicePage<T>(kept: { member: string; item: T }[], q: { limit: number; cursor?: Cursor | undefined }, position: (member: string) => string): Page<T> {
  const before = q.cursor?.dir === 'before';
  const more = kept.length > q.limit;
  const page = kept.slice(0, q.limit);
  if (before) page.reverse();
  const first = page[0] && position(page[0].member);
  const last = page[page.length - 1] && position(page[page.length - 1]!.member);
  const newer = before ? more : q.cursor !== undefined;
  const older = before ? q.cursor !== undefined : more;
  return { items: page.map((k) => k.item), nextAfter: older ? last ?? q.cursor?.id : undefined, prevBefore: newer ? first ?? q.cursor?.id : undefined };
}
