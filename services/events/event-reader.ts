import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, badRequest } from '../core/errors.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount } from '../redis/keys.js';
import { decodeEventCursor, encodeEventCursor, type ShardPositions } from './event-cursor.js';
import { publicEventId } from './event-id.js';
import { parseEvent } from './event-log.js';
import { checkNotFuture, checkNotTrimmed, compareStreamIds, type EventQuery, type StreamState } from './event-query.js';
import type { ImgsvcEvent } from './event-types.js';
import { eventForUser } from './event-view.js';

/** Entries read per XRANGE of one shard; a request looks at no more than MAX_SCANNED entries in all. */
const BATCH = 200;
const MAX_SCANNED = 5000;

type Entry = [id: string, fields: string[]];

export interface EventPage {
  events: ImgsvcEvent[];
  /** The resume point (event-cursor.ts): the last entry looked at in each shard, so a filtered reader moves on. */
  next: string;
  /** True when the read stopped at the limit or its scan budget, not at the end of the streams. */
  more: boolean;
}

/**
 * Reads the event streams for a caller without Redis access (GET /v1/events): oldest first,
 * merged across the shards by id (time), filtered by owner (a user sees events about their own
 * things, as `eventForUser` shows them) and type. Order is exact per image (its events share a
 * shard and a stream); across shards it is by time, to the millisecond.
 */
export class EventReader {
  constructor(private readonly redis: Redis) {}

  async read(q: EventQuery, ownerId: string | undefined): Promise<EventPage> {
    const shards = allShards(shardCount());
    const states = await Promise.all(shards.map((s) => this.state(s)));
    const epochs = epochDigest(states.map((s) => s.epoch));
    const positions: ShardPositions = q.after === undefined ? shards.map(() => undefined) : this.resumeAt(q.after, states, epochs);
    const wanted = (e: ImgsvcEvent) => (ownerId === undefined || e.ownerId === ownerId) && (!q.types || q.types.includes(e.type));
    const buffers: Entry[][] = shards.map(() => []);
    const exhausted = shards.map(() => false);
    const events: ImgsvcEvent[] = [];
    let scanned = 0;
    let more = false;
    for (;;) {
      // Every shard that may hold the next entry has one buffered, so the smallest head is next.
      await Promise.all(
        shards.map(async (s) => {
          if (buffers[s]!.length > 0 || exhausted[s]) return;
          const at = positions[s];
          const from = at === undefined ? '-' : at.inclusive ? at.id : `(${at.id}`;
          const got = (await this.redis.xrange(redisKeys.events(s), from, '+', 'COUNT', BATCH)) as Entry[];
          buffers[s] = got;
          if (got.length < BATCH) exhausted[s] = true;
        }),
      );
      let pick = -1;
      for (const s of shards) if (buffers[s]!.length > 0 && (pick < 0 || compareStreamIds(buffers[s]![0]![0], buffers[pick]![0]![0]) < 0)) pick = s;
      if (pick < 0) break;
      if (events.length === q.limit || scanned === MAX_SCANNED) {
        more = true;
        break;
      }
      const [id, fields] = buffers[pick]!.shift()!;
      positions[pick] = { id };
      scanned++;
      const e = parseEvent(id, fields, pick);
      if (e && wanted(e)) events.push(ownerId === undefined ? e : eventForUser(e, ownerId));
    }
    // A shard read to its end stands at its newest id, so the next read starts there.
    shards.forEach((s) => {
      if (buffers[s]!.length === 0 && exhausted[s] && positions[s] === undefined && states[s]!.lastGeneratedId !== '0-0') positions[s] = { id: states[s]!.lastGeneratedId };
    });
    return { events, next: encodeEventCursor(positions, epochs), more };
  }

  /**
   * Where each shard resumes. Refused: an id never handed out (400); a point some shard trimmed
   * past (410); a cursor made before Redis lost the streams (its generation is gone), or an event
   * id its own shard's stream no longer holds while holding later ones (410, `stream_reset`).
   */
  private resumeAt(after: string, states: StreamState[], epochs: string): ShardPositions {
    const cursor = decodeEventCursor(after, states.length);
    if (!cursor) throw badRequest('invalid_event_id', `expected an event id such as 1733130000000-0.3 or a cursor from next for after but received ${JSON.stringify(after)}`);
    const { positions } = cursor;
    const newest = states.map((s) => s.lastGeneratedId).reduce((a, b) => (compareStreamIds(a, b) >= 0 ? a : b), '0-0');
    if (cursor.epochs !== undefined && cursor.epochs !== epochs) throw streamReset(after, states, 'the event streams were lost or reset since this cursor was made');
    positions.forEach((p) => p !== undefined && checkNotFuture(p.id, newest));
    if (cursor.origin !== undefined && !stillHolds(positions[cursor.origin]!.id, states[cursor.origin]!)) {
      throw streamReset(after, states, `the stream of shard ${cursor.origin} no longer holds this event`);
    }
    const behind = positions.some((p, s) => p !== undefined && trimmedPast(p.id, states[s]!));
    if (behind) {
      // Said once for the whole log: the oldest entry any shard retains, and the newest id.
      const oldest = oldestRetained(states);
      throw new AppError(410, 'events_trimmed', `events after ${after} were trimmed (the oldest retained is ${oldest ?? 'none'}); read the current state again and resume from the newest event`, {
        details: { oldestRetained: oldest ?? null, newest: newestEvent(states) },
      });
    }
    return positions;
  }

  /** XINFO STREAM and the stream's generation, in one round trip to the shard's node; a missing generation is written. */
  private async state(shard: number): Promise<StreamState & { epoch: string }> {
    const epochKey = redisKeys.eventsEpoch(shard);
    const replies = (await this.redis.pipeline().xinfo('STREAM', redisKeys.events(shard)).get(epochKey).exec()) ?? [];
    const [infoErr, info] = replies[0] ?? [new Error('pipeline discarded'), undefined];
    const [epochErr, stored] = replies[1] ?? [new Error('pipeline discarded'), undefined];
    if (epochErr) throw epochErr;
    let epoch = stored as string | null;
    if (epoch === null) {
      await this.redis.set(epochKey, newEpoch(), 'NX');
      epoch = (await this.redis.get(epochKey)) ?? '';
    }
    if (infoErr) {
      if (/no such key/i.test(infoErr.message)) return { firstId: undefined, lastGeneratedId: '0-0', length: 0, entriesAdded: 0, epoch };
      throw infoErr;
    }
    return { ...streamState(info as unknown[]), epoch };
  }
}

function streamState(info: unknown[]): StreamState {
  const f = new Map<string, unknown>();
  for (let i = 0; i + 1 < info.length; i += 2) f.set(String(info[i]), info[i + 1]);
  const first = f.get('first-entry') as [string, string[]] | null | undefined;
  return {
    firstId: first ? first[0] : undefined,
    lastGeneratedId: String(f.get('last-generated-id') ?? '0-0'),
    length: Number(f.get('length') ?? 0),
    entriesAdded: Number(f.get('entries-added') ?? 0),
  };
}

/** A new generation tag: the time and random bits, so a recreated stream never gets its predecessor's. */
function newEpoch(): string {
  return `${Date.now().toString(36)}.${randomBytes(6).toString('base64url')}`;
}

/** One short digest of every shard's generation: a cursor stays short however many shards there are. */
function epochDigest(epochs: string[]): string {
  return createHash('sha256').update(epochs.join(',')).digest('base64url').slice(0, 16);
}

/**
 * Whether a shard's stream may still be the one that handed out `id`: it holds `id` or an older
 * entry, or it was trimmed (then trimming decides), and it has generated `id` already. A stream
 * whose every entry is newer though nothing was ever trimmed was recreated since.
 */
function stillHolds(id: string, s: StreamState): boolean {
  if (compareStreamIds(id, s.lastGeneratedId) > 0) return false;
  const trimmed = s.entriesAdded > s.length;
  return trimmed || s.firstId === undefined || compareStreamIds(id, s.firstId) >= 0;
}

/** The oldest entry any shard retains, as a public event id (the order the reader merges in: id, then shard). */
function oldestRetained(states: StreamState[]): string | undefined {
  let pick: number | undefined;
  states.forEach((s, i) => {
    if (s.firstId !== undefined && (pick === undefined || compareStreamIds(s.firstId, states[pick]!.firstId!) < 0)) pick = i;
  });
  return pick === undefined ? undefined : publicEventId(states[pick]!.firstId!, pick);
}

/** The newest id any shard generated, as a public event id; null before the first event. */
function newestEvent(states: StreamState[]): string | null {
  let pick: number | undefined;
  states.forEach((s, i) => {
    if (s.lastGeneratedId !== '0-0' && (pick === undefined || compareStreamIds(s.lastGeneratedId, states[pick]!.lastGeneratedId) > 0)) pick = i;
  });
  return pick === undefined ? null : publicEventId(states[pick]!.lastGeneratedId, pick);
}

function streamReset(after: string, states: StreamState[], why: string): AppError {
  return new AppError(410, 'events_trimmed', `events after ${after} are lost: ${why}; read the current state again and resume from the newest event`, {
    details: { oldestRetained: oldestRetained(states) ?? null, newest: newestEvent(states), reason: 'stream_reset' },
  });
}

/** Whether resuming at `after` in this shard would skip entries it trimmed. */
function trimmedPast(after: string, s: StreamState): boolean {
  try {
    checkNotTrimmed(after, s);
    return false;
  } catch {
    return true;
  }
}
