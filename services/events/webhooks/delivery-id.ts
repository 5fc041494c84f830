import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The stream sequence fits 30 bits (six characters); a millisecond never holds a billion events. */
const SEQ_CHARS = 6;
const MAX_SEQ = 32 ** SEQ_CHARS - 1;

function crockford(value: bigint, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out = CROCKFORD[Number(value & 31n)]! + out;
    value >>= 5n;
  }
  return out;
}

/** The millisecond and the in-millisecond sequence of an event id (`<ms>-<seq>.<shard>`, events/event-id.ts, or a bare stream entry id). */
export function eventPosition(eventId: string): { ms: number; seq: number } {
  const m = /(\d+)-(\d+)(?:\.\d+)?$/.exec(eventId);
  if (!m) throw new RangeError(`expected an event id <ms>-<seq>.<shard> but received ${JSON.stringify(eventId)}`);
  return { ms: Number(m[1]), seq: Math.min(Number(m[2]), MAX_SEQ) };
}

/**
 * A delivery's id, ULID-shaped: 10 characters of the event's millisecond, 6 of its sequence in
 * that millisecond, 10 (50 bits) of a digest of the event and endpoint ids. Listings sort by id,
 * so deliveries of events appended in one millisecond list in the order the events were
 * appended (a total order: the digest only separates endpoints, never reorders one endpoint's
 * deliveries). The same event handled twice (a consumer died before its acknowledgement)
 * gives the same delivery, so scheduling is idempotent. The event id carries its shard, so
 * two shards' entries of one stream id are two deliveries; `content` (the event's JSON, the
 * same however often the entry is read) is hashed in too.
 */
export function deliveryId(eventId: string, endpointId: string, content = ''): string {
  const { ms, seq } = eventPosition(eventId);
  const digest = createHash('sha256').update(`${eventId}\n${endpointId}\n${content}`).digest();
  let bits = 0n;
  for (let i = 0; i < 7; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  return timePrefix(ms) + crockford(BigInt(seq), SEQ_CHARS) + crockford(bits >> 6n, 10);
}

/** The ULID time part of `ms`: ids of deliveries of events before `ms` sort below it (listing trims). */
export function timePrefix(ms: number): string {
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ms % 32]! + time;
    ms = Math.floor(ms / 32);
  }
  return time;
}
