/** What one shard's query answered (scripts/query-shard.ts). */
export interface ShardAnswer {
  /** Matching ids, newest first. */
  ids: string[];
  /** Every match of the shard with an id >= floor is in ids; undefined when the shard has nothing more. */
  floor: string | undefined;
  prefixLimited: boolean;
}

export interface MergedAnswer {
  /** Newest first, across shards: only those no shard can still put something newer in front of. */
  ids: string[];
  /** The next round goes on below this id; undefined when every shard is exhausted. */
  floor: string | undefined;
  prefixLimited: boolean;
}

/**
 * Merges shard answers into one id-ordered list. A shard that stopped early (page full, or
 * its budget spent) may hold unseen matches below its floor, so only ids at or above the
 * highest floor are certain to be in order; the rest are asked again in the next round.
 */
export function mergeShardAnswers(answers: readonly ShardAnswer[]): MergedAnswer {
  let floor: string | undefined;
  for (const a of answers) if (a.floor !== undefined && (floor === undefined || a.floor > floor)) floor = a.floor;
  const ids = answers
    .flatMap((a) => a.ids)
    .filter((id) => floor === undefined || id >= floor)
    .sort((a, b) => (a < b ? 1 : a > b ? -1 : 0));
  return { ids, floor, prefixLimited: answers.some((a) => a.prefixLimited) };
}

/** Parses the script's reply: {exhausted, prefix limited, floor, ids…}. */
export function parseShardReply(reply: unknown): ShardAnswer {
  const r = reply as (string | number)[];
  return { floor: Number(r[0]) === 1 ? undefined : String(r[2]), prefixLimited: Number(r[1]) === 1, ids: r.slice(3).map(String) };
}
