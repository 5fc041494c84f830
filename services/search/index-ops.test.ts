import { describe, expect, it } from 'vitest';
import { searchIndexOps, searchTerms, type SearchFacts } from './index-ops.js';
import { searchShardOf } from './search-keys.js';

const base: SearchFacts = { id: '01J00000000000000000000000', ownerId: '01JOWNER000000000000000000', visibility: 'public', meta: { title: 'Red beach', tags: ['Sea'] } };

describe('searchIndexOps', () => {
  it('puts a new image with every token and tag, in its shard', () => {
    const ops = searchIndexOps(undefined, base);
    expect(ops).toMatchObject({ op: 'put', id: base.id, shard: searchShardOf(base.id), ownerId: base.ownerId, public: true, live: true, remove: [] });
    expect(ops.terms.sort()).toEqual(['#sea', 'beach', 'red', 'sea']);
    expect(ops.add.sort()).toEqual(ops.terms.sort());
  });

  it('adds and removes only what changed in an edit, and still carries every term', () => {
    const ops = searchIndexOps(base, { ...base, meta: { title: 'Red sand', tags: ['Sea'] } });
    expect(ops.add).toEqual(['sand']);
    expect(ops.remove).toEqual(['beach']);
    expect(ops.terms.sort()).toEqual(['#sea', 'red', 'sand', 'sea']);
  });

  it('changes only the facts when the visibility changes', () => {
    const ops = searchIndexOps(base, { ...base, visibility: 'private' });
    expect(ops).toMatchObject({ op: 'put', public: false, live: true, add: [], remove: [] });
  });

  it('keeps a deleted image numbered but without terms, and drops one that is gone', () => {
    const deleted = searchIndexOps(base, { ...base, deletedAt: '2026-01-01T00:00:00Z' });
    expect(deleted).toMatchObject({ op: 'put', live: false, terms: [], add: [] });
    expect(deleted.remove.sort()).toEqual(['#sea', 'beach', 'red', 'sea']);
    const gone = searchIndexOps(base, undefined);
    expect(gone).toMatchObject({ op: 'drop', live: false, terms: [], add: [] });
    expect(gone.remove).toHaveLength(4);
  });

  it('moves the image between owners’ postings when its owner changes (adoption)', () => {
    const ops = searchIndexOps({ ...base, ownerId: '' }, base);
    expect(ops).toMatchObject({ ownerId: base.ownerId, previousOwnerId: '' });
  });

  it('does nothing without an image', () => {
    expect(searchIndexOps(undefined, undefined).op).toBe('none');
    expect(searchTerms(undefined)).toEqual([]);
  });
});
