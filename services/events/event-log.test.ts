import { describe, expect, it } from 'vitest';
import { eventFields, isStreamId, parseEvent, writeLegacyEventEntries, xaddArgs } from './event-log.js';
import { EVENT_TYPE_CODES } from './event-entry-codec.js';
import { EVENT_TYPES, type NewEvent } from './event-types.js';
import { everyType } from './every-event.fixture.js';

const expected = (event: NewEvent) => ({ id: '1733130000123-7', occurredAt: '2024-12-02T09:00:00.123Z', version: event.version ?? 1, ...event });

describe('eventFields / parseEvent', () => {
  it.each(everyType)('round-trips %s in the compact form', (_name, event) => {
    const parsed = parseEvent('1733130000123-7', eventFields(event));
    expect(parsed).toEqual(expected(event));
    // The same object, key order included: webhook bodies and /v1/events are its JSON.
    expect(JSON.stringify(parsed?.data)).toBe(JSON.stringify(event.data));
  });

  it.each(everyType)('still reads %s written in the legacy form (entries from before, until trimmed)', (_name, event) => {
    const legacy = eventFields(event, true);
    expect(legacy[1]).toBe(event.type);
    const parsed = parseEvent('1733130000123-7', legacy);
    expect(parsed).toEqual(expected(event));
    expect(JSON.stringify(parsed?.data)).toBe(JSON.stringify(event.data));
  });

  it('reads a legacy entry with an actor equal to the owner as it always did', () => {
    const fields = ['type', 'image.created', 'v', '1', 'owner', 'u1', 'actor', 'u1', 'image', 'img1', 'data', '{"revision":1}'];
    expect(parseEvent('1-0', fields)).toMatchObject({ ownerId: 'u1', actorId: 'u1', imageId: 'img1', data: { revision: 1 } });
    expect(parseEvent('1-0', [...fields.slice(0, 7), '=', ...fields.slice(8)])?.actorId).toBe('=');
  });

  it('writes the upload\'s events compactly, with the legacy field names in the legacy order', () => {
    const [created, , ready] = everyType.map(([, e]) => eventFields(e));
    expect(created).toEqual(['type', '1', 'v', '1', 'owner', 'u1', 'actor', '=', 'image', 'img1', 'data', '[1,"private","jpeg",4032,3024,3421987]']);
    expect(ready).toEqual(['type', '2', 'v', '1', 'owner', 'u1', 'actor', '', 'image', 'img1', 'data', '[2,3,["avif","jpeg","webp"],[50,320,1280]]']);
    const legacy = eventFields(everyType[0]![1], true);
    expect(created!.filter((_, i) => i % 2 === 0)).toEqual(legacy.filter((_, i) => i % 2 === 0));
    expect(created!.join('').length).toBeLessThan(legacy.join('').length - 60);
  });

  it('gives every type its own code', () => {
    expect(Object.keys(EVENT_TYPE_CODES).sort()).toEqual([...EVENT_TYPES].sort());
    expect(new Set(Object.values(EVENT_TYPE_CODES)).size).toBe(EVENT_TYPES.length);
  });

  const bad: [string, string[]][] = [
    ['an unknown type', ['type', 'image.exploded', 'data', '{}']],
    ['an unknown type code', ['type', '99', 'data', '{}']],
    ['no type', ['data', '{}']],
    ['data that is not JSON', ['type', 'image.ready', 'data', '{nope']],
    ['compact data of the wrong length', ['type', '1', 'v', '1', 'data', '[1,"private"]']],
    ['compact data for a type without a shape', ['type', '6', 'v', '1', 'data', '[1]']],
  ];
  it.each(bad)('ignores an entry with %s', (_name, fields) => {
    expect(parseEvent('1-0', fields)).toBeUndefined();
  });

  it('trims by age in the same XADD', () => {
    expect(xaddArgs({ type: 'image.restored', ownerId: 'u', data: {} }, 1000, 5000).slice(0, 4)).toEqual(['MINID', '~', '4000', '*']);
  });

  it.each([['1-0', true], ['1733130000123', true], ['1733130000123-12', true], ['abc', false], ['1-', false], ['-1', false], ['$', false], ['1-2-3', false], ['', false]])('isStreamId(%j) is %s', (id, ok) => {
    expect(isStreamId(id)).toBe(ok);
  });
});

describe('IMGSVC_EVENT_ENTRIES=legacy', () => {
  it('writes the long form an older version reads, and the same event comes back', () => {
    const event: NewEvent = { type: 'image.created', ownerId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', actorId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', imageId: '01M8TG3KY2H8S6Q646WX0N7S19', data: { revision: 0, visibility: 'public', format: 'jpeg', width: 10, height: 20, bytes: 300 } };
    try {
      writeLegacyEventEntries(true);
      const legacy = eventFields(event);
      expect(legacy.slice(0, 2)).toEqual(['type', 'image.created']);
      expect(legacy[7]).toBe(event.actorId);
      expect(JSON.parse(legacy[11]!)).toEqual(event.data);
      writeLegacyEventEntries(false);
      const compact = eventFields(event);
      expect(compact[1]).toBe(String(EVENT_TYPE_CODES['image.created']));
      expect(parseEvent('1-0', legacy)).toEqual(parseEvent('1-0', compact));
    } finally {
      writeLegacyEventEntries(false);
    }
  });
});
