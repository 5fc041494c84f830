import type { Redis } from 'ioredis';

/** What a key holds, for the footprint table: the kinds the targets name. */
export type KeyKind = 'record' | 'listings' | 'dedup and references' | 'dedup' | 'references' | 'resize stream' | 'events' | 'search' | 'sharing' | 'analytics' | 'other';

/**
 * Classifies a key by its name, hash tags stripped (`{s3}`, `{u:…}`), so the table reads the
 * same on today's keyspace and on the sharded one. Pure.
 */
export function kindOf(key: string): KeyKind {
  const k = key.replace(/\{[^}]*\}:?/g, '').replace(/^imgsvc:/, '');
  if (/^img:/.test(k)) return 'record';
  if (/^(owner-images|owner-public|owner-tag|images|trash|trash-by-time)(:|$)/.test(k)) return 'listings';
  // One hash per shard and bytes holds both since index layout 3 (redis/keys.ts, `bytes`).
  if (/^sha:/.test(k)) return 'dedup and references';
  if (/^dedup:/.test(k)) return 'dedup';
  if (/^sharefs:/.test(k)) return 'references';
  if (/^jobs:resize/.test(k)) return 'resize stream';
  if (/^events/.test(k)) return 'events';
  if (/^search:/.test(k)) return 'search';
  if (/^(album|owner-albums|image-albums|favorites|favorite-of|favoriters|comments|comment-bodies|commenters|notif)/.test(k)) return 'sharing';
  if (/^(a:|analytics|stats|views|hll|top)/.test(k)) return 'analytics';
  return 'other';
}

/** MEMORY USAGE (all samples) of every key, summed by kind. */
export async function footprintByKind(redis: Redis): Promise<Map<KeyKind, { keys: number; bytes: number }>> {
  const out = new Map<KeyKind, { keys: number; bytes: number }>();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const bytes = Number(sizes[i]?.[1] ?? 0);
      const kind = kindOf(key);
      const row = out.get(kind) ?? { keys: 0, bytes: 0 };
      row.keys++;
      row.bytes += bytes;
      out.set(kind, row);
    });
  } while (cursor !== '0');
  return out;
}

/** The index as the target counts it: record, listings, dedup, references, stream entries. */
export const INDEX_KINDS: readonly KeyKind[] = ['record', 'listings', 'dedup and references', 'dedup', 'references', 'resize stream', 'events'];

/** The stream entries among them: gone after their retention (events) or once done and trimmed (resize jobs). */
export const STREAM_KINDS: readonly KeyKind[] = ['resize stream', 'events'];
