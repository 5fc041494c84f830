import { AppError, badRequest } from '../core/errors.js';
import { isResumePoint } from './event-cursor.js';
import { EVENT_TYPES, isEventType, type EventType } from './event-types.js';

export const DEFAULT_EVENTS_LIMIT = 100;
export const MAX_EVENTS_LIMIT = 1000;

export interface EventQuery {
  /** Exclusive: events strictly after this id. Absent: from the oldest retained event. */
  after?: string;
  limit: number;
  /** Only these types; absent: all. */
  types?: readonly EventType[];
}

/** `GET /v1/events` parameters, validated; a bad one is a 400 naming it. */
export function parseEventQuery(q: { after?: string | undefined; limit?: string | undefined; type?: string | undefined }): EventQuery {
  const out: EventQuery = { limit: DEFAULT_EVENTS_LIMIT };
  if (q.after !== undefined) {
    if (!isResumePoint(q.after)) throw badRequest('invalid_event_id', `expected an event id such as 1733130000000-0.3 or a cursor from next for after but received ${JSON.stringify(q.after)}`);
    out.after = q.after;
  }
  if (q.limit !== undefined) {
    const n = /^[0-9]{1,4}$/.test(q.limit) ? Number(q.limit) : NaN;
    if (!(n >= 1 && n <= MAX_EVENTS_LIMIT)) throw badRequest('invalid_parameter', `expected an integer from 1 to ${MAX_EVENTS_LIMIT} for limit but received ${JSON.stringify(q.limit)}`);
    out.limit = n;
  }
  if (q.type !== undefined) {
    const types = q.type.split(',').map((t) => t.trim());
    const unknown = types.find((t) => !isEventType(t));
    if (unknown !== undefined) throw badRequest('unknown_event_type', `unknown event type ${JSON.stringify(unknown)}; expected one of ${EVENT_TYPES.join(', ')}`);
    out.types = types as EventType[];
  }
  return out;
}

/** Orders two stream ids (`<ms>` reads as `<ms>-0`): negative, zero or positive. */
export function compareStreamIds(a: string, b: string): number {
  const [am, as = '0'] = a.split('-');
  const [bm, bs = '0'] = b.split('-');
  const d = BigInt(am!) - BigInt(bm!) || BigInt(as) - BigInt(bs);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** What XINFO STREAM says about the stream (all zero for a stream never written). */
export interface StreamState {
  firstId: string | undefined;
  lastGeneratedId: string;
  length: number;
  entriesAdded: number;
}

/** How far ahead of this clock another pod's clock may be and still have handed out an id. */
const CLOCK_SKEW_MS = 5_000;

/**
 * Whether a reader resuming after `after` can be served without a gap. An id past the newest
 * ever generated and ahead of the clock, or within the newest id's millisecond, was never
 * handed out (400). One from a later millisecond than the newest but in the past was handed
 * out by a stream Redis has since lost (a wipe, or a failover that forgot it): those events
 * are gone (410), like one older than the oldest retained entry once anything was trimmed.
 * Either way the reader must resync.
 */
export function checkResumePoint(after: string, s: StreamState, nowMs = Date.now()): void {
  checkNotFuture(after, s.lastGeneratedId, nowMs, s.firstId);
  checkNotTrimmed(after, s);
}

/**
 * An id past the newest ever generated (of every shard) was never handed out: 400. Unless it
 * lies in the past and the streams' history ends before it: then they were lost or reset (a
 * Redis wipe) and the events between were handed out once and lost with them: 410.
 */
export function checkNotFuture(after: string, newest: string, nowMs = Date.now(), oldestRetained?: string): void {
  if (compareStreamIds(after, newest) > 0) {
    const afterMs = Number(after.split('-')[0]);
    if (afterMs <= nowMs + CLOCK_SKEW_MS && Number(newest.split('-')[0]) < afterMs) {
      throw new AppError(410, 'events_trimmed', `events up to ${after} are no longer in the stream (it was lost or reset; the newest now is ${newest}); read the current state again and resume from the newest event`, {
        details: { oldestRetained: oldestRetained ?? null, newest, reason: 'stream_reset' },
      });
    }
    throw badRequest('event_id_in_future', `no event has the id ${after} yet; the newest is ${newest}`);
  }
}

/** A reader behind the oldest retained entry of a stream that was trimmed may have missed events: 410. */
export function checkNotTrimmed(after: string, s: StreamState): void {
  const trimmed = s.entriesAdded > s.length;
  // Everything was trimmed: only a reader already at the newest id missed nothing.
  const oldest = s.firstId ?? s.lastGeneratedId;
  if (trimmed && compareStreamIds(after, oldest) < 0) {
    throw new AppError(410, 'events_trimmed', `events after ${after} were trimmed (the oldest retained is ${s.firstId ?? 'none'}); read the current state again and resume from the newest event`, {
      details: { oldestRetained: s.firstId ?? null, newest: s.lastGeneratedId },
    });
  }
}
