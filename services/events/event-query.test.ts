import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { eventOperations } from './event-operations.js';
import { checkResumePoint, compareStreamIds, parseEventQuery, type StreamState } from './event-query.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
    return undefined;
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : 'thrown';
  }
};

// route() parses with the operation's schema alone, which refuses a parameter given twice: with that parameter's own code.
describe('GET /v1/events parameters given twice', () => {
  it.each([
    [{ after: ['1-0', '2-0'] }, '400 invalid_event_id'],
    [{ type: ['image.ready', 'image.deleted'] }, '400 unknown_event_type'],
    [{ limit: ['1', '2'] }, '400 invalid_parameter'],
  ])('%o: %s', (query, code) => {
    expect(codeOf(() => parseQuery(eventOperations.list.query, { query } as unknown as Request))).toBe(code);
  });
});

describe('parseEventQuery', () => {
  it('defaults and parses', () => {
    expect(parseEventQuery({})).toEqual({ limit: 100 });
    expect(parseEventQuery({ after: '5-1', limit: '10', type: 'image.ready, image.deleted' })).toEqual({ after: '5-1', limit: 10, types: ['image.ready', 'image.deleted'] });
  });
  it.each([
    [{ after: 'x' }, '400 invalid_event_id'],
    [{ after: '5-1-1' }, '400 invalid_event_id'],
    [{ limit: '0' }, '400 invalid_parameter'],
    [{ limit: '1001' }, '400 invalid_parameter'],
    [{ limit: '2.5' }, '400 invalid_parameter'],
    [{ type: 'image.exploded' }, '400 unknown_event_type'],
    [{ type: 'image.ready,' }, '400 unknown_event_type'],
  ])('refuses %j with %s', (q, code) => {
    expect(codeOf(() => parseEventQuery(q))).toBe(code);
  });
});

describe('compareStreamIds', () => {
  it.each([['1-0', '1', 0], ['1-1', '1-0', 1], ['9-9', '10-0', -1], ['1733130000123-0', '1733130000122-99', 1]])('%s vs %s', (a, b, want) => {
    expect(compareStreamIds(a, b)).toBe(want);
  });
});

describe('checkResumePoint', () => {
  const intact: StreamState = { firstId: '10-0', lastGeneratedId: '20-0', length: 5, entriesAdded: 5 };
  const trimmed: StreamState = { ...intact, entriesAdded: 9 };
  const emptied: StreamState = { firstId: undefined, lastGeneratedId: '20-0', length: 0, entriesAdded: 9 };
  it.each([
    ['within the stream', '15-0', trimmed, undefined],
    ['the newest id', '20-0', trimmed, undefined],
    ['before the first, nothing ever trimmed', '0', intact, undefined],
    ['before the oldest retained, after trimming', '9-5', trimmed, '410 events_trimmed'],
    ['past the newest and ahead of the clock', `${Date.now() + 60_000}-0`, intact, '400 event_id_in_future'],
    ['past the newest within its millisecond', '20-1', intact, '400 event_id_in_future'],
    ['past the newest, a later millisecond in the past: the stream was lost (a Redis wipe)', '25-0', intact, '410 events_trimmed'],
    ['a wiped stream, a reader at an hour-old cursor', `${Date.now() - 3_600_000}-0`, { firstId: undefined, lastGeneratedId: '0-0', length: 0, entriesAdded: 0 }, '410 events_trimmed'],
    ['everything trimmed, reader at the newest', '20-0', emptied, undefined],
    ['everything trimmed, reader behind', '19-0', emptied, '410 events_trimmed'],
    ['a stream never written, an id from the future', `${Date.now() + 60_000}-0`, { firstId: undefined, lastGeneratedId: '0-0', length: 0, entriesAdded: 0 }, '400 event_id_in_future'],
  ])('%s', (_name, after, state, code) => {
    expect(codeOf(() => checkResumePoint(after, state))).toBe(code);
  });
});
