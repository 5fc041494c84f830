import { createHash } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A delivery's id: a ULID whose time is the event's and whose 80 "random" bits are a digest of
 * the event and endpoint ids. The same event handled twice (a consumer died before its
 * acknowledgement) gives the same delivery, so scheduling is idempotent; ids sort by event time.
 */
export function deliveryId(eventId: string, endpointId: string): string {
  const time = timePrefix(Number(eventId.split('-')[0]));
  const digest = createHash('sha256').update(`${eventId}\n${endpointId}`).digest();
  let bits = 0n;
  for (let i = 0; i < 10; i++) bits = (bits << 8n) | BigInt(digest[i]!);
  let rest = '';
  for (let i = 0; i < 16; i++) {
    rest = CROCKFORD[Number(bits & 31n)]! + rest;
    bits >>= 5n;
  }
  return time + rest;
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
