import { describe, expect, it } from 'vitest';
import type { Cursor } from '../http/cursor.js';
import { pageList } from './member-pages.js';

const IDS = ['A', 'B', 'C', 'D', 'E'];
/** Everything but C is visible. */
const keep = async (ids: string[]) => ids.filter((id) => id !== 'C').map((id) => ({ member: id, item: id }));

describe('pageList (album order)', () => {
  const cases: [string, Cursor | undefined, number, { items: string[]; nextAfter: string | undefined; prevBefore: string | undefined } | undefined][] = [
    ['the first page', undefined, 2, { items: ['A', 'B'], nextAfter: 'B', prevBefore: undefined }],
    ['on from B, skipping the hidden C', { dir: 'after', id: 'B' }, 2, { items: ['D', 'E'], nextAfter: undefined, prevBefore: 'D' }],
    ['back from D', { dir: 'before', id: 'D' }, 2, { items: ['A', 'B'], nextAfter: 'B', prevBefore: undefined }],
    ['back from E, one', { dir: 'before', id: 'E' }, 1, { items: ['D'], nextAfter: 'D', prevBefore: 'D' }],
    ['on from the last item', { dir: 'after', id: 'E' }, 2, { items: [], nextAfter: undefined, prevBefore: 'E' }],
    ['an anchor no longer in the album', { dir: 'after', id: 'Z' }, 2, undefined],
    ['everything at once', undefined, 10, { items: ['A', 'B', 'D', 'E'], nextAfter: undefined, prevBefore: undefined }],
  ];
  it.each(cases)('%s', async (_name, cursor, limit, expected) => {
    expect(await pageList(IDS, { limit, cursor }, keep)).toEqual(expected);
  });
});
