import { describe, expect, it } from 'vitest';
import { decodeEventCursor, encodeEventCursor, isEventCursor, isResumePoint } from './event-cursor.js';
import { parsePublicEventId, publicEventId } from './event-id.js';

describe('the events cursor across shards', () => {
  it('keeps each shard\'s position and the streams\' generation digest, shards not started included', () => {
    const positions = [{ id: '5-1' }, undefined, { id: '7-0' }, { id: '7-0', inclusive: true as const }];
    const cursor = encodeEventCursor(positions, 'AbC_d-9');
    expect(cursor).toMatch(/^c2\.[A-Za-z0-9_-]+$/);
    expect(isEventCursor(cursor)).toBe(true);
    expect(decodeEventCursor(cursor, 4)).toEqual({ positions, epochs: 'AbC_d-9' });
  });

  it('reads a public event id as "after this event" in the merge order: later shards still give an entry of the same stream id', () => {
    const id = publicEventId('5-1', 1);
    expect(id).toBe('5-1.1');
    expect(parsePublicEventId(id)).toEqual({ streamId: '5-1', shard: 1 });
    expect(decodeEventCursor(id, 3)).toEqual({ positions: [{ id: '5-1' }, { id: '5-1' }, { id: '5-1', inclusive: true }], origin: 1 });
    expect(decodeEventCursor('5-1.3', 3)).toBeUndefined();
  });

  it('still reads what was handed out before: a plain stream id (every shard) and a c. cursor (no generation)', () => {
    expect(decodeEventCursor('5-1', 3)).toEqual({ positions: [{ id: '5-1' }, { id: '5-1' }, { id: '5-1' }] });
    const old = `c.${Buffer.from('5-1,,7-0').toString('base64url')}`;
    expect(isResumePoint(old)).toBe(true);
    expect(decodeEventCursor(old, 3)).toEqual({ positions: [{ id: '5-1' }, undefined, { id: '7-0' }] });
  });

  it('refuses a cursor made for another shard count, or holding something that is not a stream id', () => {
    const cursor = encodeEventCursor([{ id: '5-1' }, { id: '6-0' }], 'x');
    expect(decodeEventCursor(cursor, 3)).toBeUndefined();
    expect(decodeEventCursor(`c.${Buffer.from('5-1,drop table').toString('base64url')}`, 2)).toBeUndefined();
    expect(decodeEventCursor(`c2.${Buffer.from('x|5-1,=').toString('base64url')}`, 2)).toBeUndefined();
    expect(decodeEventCursor(`c2.${Buffer.from('5-1,6-0').toString('base64url')}`, 2)).toBeUndefined();
    expect(decodeEventCursor('yesterday', 2)).toBeUndefined();
    expect(isEventCursor('c.***')).toBe(false);
    expect(isResumePoint('1-2-3')).toBe(false);
    expect(isResumePoint('1-2.x')).toBe(false);
  });
});
