import type { Redis } from 'ioredis';

/**
 * One page of ids from several sorted sets of score 0 (one listing, one set per shard), merged
 * in member order: ULIDs sort by time, so the merge is the same order a single set gave.
 * Each set is asked for `count` members past `bound`, and only the first `count` of the merge
 * are returned, so a page costs at most `count` members per shard and never skips one: the
 * next call starts after the last member returned.
 */
export async function mergedRange(
  redis: Redis,
  keys: readonly string[],
  /** A ZRANGEBYLEX bound: `(<id>` after an id, or `-` / `+` from an end. */
  bound: string,
  direction: 'up' | 'down',
  count: number,
): Promise<{ ids: string[]; exhausted: boolean }> {
  const lists = await Promise.all(
    keys.map((key) =>
      direction === 'up' ? redis.zrangebylex(key, bound, '+', 'LIMIT', 0, count) : redis.zrevrangebylex(key, bound, '-', 'LIMIT', 0, count),
    ),
  );
  const merged = [...new Set(lists.flat())].sort();
  if (direction === 'down') merged.reverse();
  const ids = merged.slice(0, count);
  // Exhausted only when no set had more than it gave and the merge gave everything it got.
  const exhausted = lists.every((l) => l.length < count) && merged.length <= count;
  return { ids, exhausted };
}
