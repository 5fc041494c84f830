import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { parseEvent } from './event-log.js';
import { checkResumePoint, type EventQuery, type StreamState } from './event-query.js';
import type { ImgsvcEvent } from './event-types.js';
import { eventForUser } from './event-view.js';

/** Entries read per XRANGE, and at most this many rounds per request: a filtered read stays bounded. */
const BATCH = 500;
const MAX_ROUNDS = 10;

export interface EventPage {
  events: ImgsvcEvent[];
  /** The resume point: the last entry looked at (matching or not), so a filtered reader moves on. */
  next: string;
  /** True when the read stopped at the limit or its scan budget, not at the end of the stream. */
  more: boolean;
}

/**
 * Reads the event stream for a caller without Redis access (GET /v1/events): oldest first,
 * filtered by owner (a user sees events about their own things, as `eventForUser` shows them)
 * and type.
 */
export class EventReader {
  constructor(private readonly redis: Redis) {}

  async read(q: EventQuery, ownerId: string | undefined): Promise<EventPage> {
    const state = await this.state();
    if (q.after !== undefined) checkResumePoint(q.after, state);
    const wanted = (e: ImgsvcEvent) => (ownerId === undefined || e.ownerId === ownerId) && (!q.types || q.types.includes(e.type));
    const events: ImgsvcEvent[] = [];
    let cursor = q.after;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const entries = (await this.redis.xrange(redisKeys.events, cursor === undefined ? '-' : `(${cursor}`, '+', 'COUNT', BATCH)) as [string, string[]][];
      for (const [id, fields] of entries) {
        cursor = id;
        const e = parseEvent(id, fields);
        if (e && wanted(e)) events.push(ownerId === undefined ? e : eventForUser(e, ownerId));
        if (events.length === q.limit) return { events, next: id, more: true };
      }
      if (entries.length < BATCH) return { events, next: cursor ?? state.lastGeneratedId, more: false };
    }
    return { events, next: cursor ?? state.lastGeneratedId, more: true };
  }

  private async state(): Promise<StreamState> {
    let info: unknown[];
    try {
      info = (await this.redis.xinfo('STREAM', redisKeys.events)) as unknown[];
    } catch (err) {
      if (err instanceof Error && /no such key/i.test(err.message)) return { firstId: undefined, lastGeneratedId: '0-0', length: 0, entriesAdded: 0 };
      throw err;
    }
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
}
