import { describe, expect, it } from 'vitest';
import { eventFields, isStreamId, parseEvent, xaddArgs } from './event-log.js';
import type { NewEvent } from './event-types.js';

describe('eventFields / parseEvent', () => {
  const cases: [string, NewEvent][] = [
    ['an image event with an actor', { type: 'image.updated', ownerId: 'u1', actorId: 'u2', imageId: 'img1', data: { revision: 4, changed: ['title'] } }],
    ['the service acting (no actor)', { type: 'image.ready', ownerId: 'u1', imageId: 'img1', data: { revision: 1, variants: { count: 0, formats: [], widths: [] } } }],
    ['no image (an album)', { type: 'album.deleted', ownerId: 'u1', data: { albumId: 'a1', revision: 2 } }],
    ['an owner of its own version', { type: 'image.erased', ownerId: '', version: 2, data: { revision: 9, text: 'ünïcødé "quoted"' } }],
  ];
  it.each(cases)('round-trips %s', (_name, event) => {
    const parsed = parseEvent('1733130000123-7', eventFields(event));
    expect(parsed).toEqual({ id: '1733130000123-7', occurredAt: '2024-12-02T09:00:00.123Z', version: event.version ?? 1, ...event });
  });

  const bad: [string, string[]][] = [
    ['an unknown type', ['type', 'image.exploded', 'data', '{}']],
    ['no type', ['data', '{}']],
    ['data that is not JSON', ['type', 'image.ready', 'data', '{nope']],
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
