import { parsePublicEventId } from './event-id.js';
import { isStreamId } from './event-log.js';

/**
 * The resume point of `GET /v1/events` across the shards' streams. Opaque to callers:
 * `c2.` and, base64url, the digest of every shard's stream generation (`events:epoch`) when it
 * was made, then each shard's position: the id of the last entry the reader looked at in that
 * shard (empty: none yet, it reads from the oldest retained entry).
 *
 * The generation digest is what tells a reader that Redis lost the streams since (a wipe, an
 * empty replica, a cluster node replaced): the generation keys went with them, the digest no
 * longer matches, and the reader is answered 410 even when new events have been written since
 * and its positions look valid.
 *
 * Also read back, so nothing handed out before stops working:
 * - a public event id `<ms>-<seq>.<shard>` (event-id.ts): after that event, in the order the
 *   reader merges shards (by id, then shard), so an entry of a later shard with the very same
 *   stream id still comes;
 * - a plain stream id `X` (event ids before they carried their shard): after X in every shard;
 * - a `c.` cursor (before generations): its positions, with no generation to check.
 */
export interface ShardPosition {
  id: string;
  /** Start at this id rather than after it (a later shard's entry of the same id as the event named). */
  inclusive?: true;
}

export type ShardPositions = (ShardPosition | undefined)[];

export interface EventCursor {
  positions: ShardPositions;
  /** The generation digest; absent for the older forms, which carry none. */
  epochs?: string;
  /** The shard a public event id named: its position is an id that shard's stream handed out. */
  origin?: number;
}

const V1 = 'c.';
const V2 = 'c2.';
/** A generation digest: base64url, no separators. */
const DIGEST = /^[A-Za-z0-9_-]{1,32}$/;

export function encodeEventCursor(positions: ShardPositions, epochs: string): string {
  const parts = positions.map((p) => (p === undefined ? '' : p.inclusive ? `=${p.id}` : p.id));
  return V2 + Buffer.from(`${epochs}|${parts.join(',')}`, 'utf8').toString('base64url');
}

/** The cursor in any of its forms; undefined when it is none (or was made for another shard count). */
export function decodeEventCursor(value: string, shardCount: number): EventCursor | undefined {
  if (isStreamId(value)) return { positions: Array.from({ length: shardCount }, () => ({ id: value })) };
  const named = parsePublicEventId(value);
  if (named) {
    if (named.shard >= shardCount) return undefined;
    return {
      positions: Array.from({ length: shardCount }, (_, s) => (s <= named.shard ? { id: named.streamId } : { id: named.streamId, inclusive: true })),
      origin: named.shard,
    };
  }
  if (value.length > 64 * shardCount + 64) return undefined;
  if (value.startsWith(V2)) {
    const text = Buffer.from(value.slice(V2.length), 'base64url').toString('utf8');
    const bar = text.indexOf('|');
    const epochs = text.slice(0, bar);
    if (bar < 0 || !DIGEST.test(epochs)) return undefined;
    const positions = positionsOf(text.slice(bar + 1), shardCount, true);
    return positions && { positions, epochs };
  }
  if (value.startsWith(V1)) {
    const positions = positionsOf(Buffer.from(value.slice(V1.length), 'base64url').toString('utf8'), shardCount, false);
    return positions && { positions };
  }
  return undefined;
}

function positionsOf(text: string, shardCount: number, marks: boolean): ShardPositions | undefined {
  const parts = text.split(',');
  if (parts.length !== shardCount) return undefined;
  const out: ShardPositions = [];
  for (const part of parts) {
    const inclusive = marks && part.startsWith('=');
    const id = inclusive ? part.slice(1) : part;
    if (id === '') {
      if (inclusive) return undefined;
      out.push(undefined);
    } else if (isStreamId(id)) out.push(inclusive ? { id, inclusive: true } : { id });
    else return undefined;
  }
  return out;
}

/** Whether a value has a cursor's shape (its shard count is checked when it is read). */
export function isEventCursor(value: string): boolean {
  const body = value.startsWith(V2) ? value.slice(V2.length) : value.startsWith(V1) ? value.slice(V1.length) : undefined;
  return body !== undefined && /^[A-Za-z0-9_-]+$/.test(body) && value.length <= 64 * 1024 + 64;
}

/** Whether a value is a resume point `after` may name: a cursor, an event id, or a plain stream id. */
export function isResumePoint(value: string): boolean {
  return isStreamId(value) || parsePublicEventId(value) !== undefined || isEventCursor(value);
}
