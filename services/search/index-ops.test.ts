import { describe, expect, it } from 'vitest';
import { redisKeys } from '../redis/keys.js';
import { searchIndexOps, type SearchFacts } from './index-ops.js';

const base: SearchFacts = { id: '01J00000000000000000000000', ownerId: '01JOWNER000000000000000000', visibility: 'public', meta: { title: 'Red beach', tags: ['Sea'] } };
const pub = (term: string) => redisKeys.searchTerm('pub', term);
const priv = (term: string) => redisKeys.searchTerm(`priv:${base.ownerId}`, term);

describe('searchIndexOps', () => {
  it('adds every token and tag of a new image to its scope, and the tokens to the vocabulary', () => {
    const ops = searchIndexOps(undefined, base);
    expect(ops.add.map(([k]) => k).sort()).toEqual([pub('#sea'), pub('beach'), pub('red'), pub('sea')].sort());
    expect(ops.vocabAdd.map(([, t]) => t).sort()).toEqual(['beach', 'red', 'sea']);
    expect(ops.remove).toEqual([]);
  });

  it('touches only what changed in an edit', () => {
    const ops = searchIndexOps(base, { ...base, meta: { title: 'Red sand', tags: ['Sea'] } });
    expect(ops.add).toEqual([[pub('sand'), base.id]]);
    expect(ops.remove).toEqual([[pub('beach'), base.id]]);
    expect(ops.vocabPrune).toEqual([[pub('beach'), redisKeys.searchVocab('pub'), 'beach']]);
  });

  it('moves everything between scopes when the visibility changes', () => {
    const ops = searchIndexOps(base, { ...base, visibility: 'private' });
    expect(ops.remove.map(([k]) => k).sort()).toEqual([pub('#sea'), pub('beach'), pub('red'), pub('sea')].sort());
    expect(ops.add.map(([k]) => k).sort()).toEqual([priv('#sea'), priv('beach'), priv('red'), priv('sea')].sort());
  });

  it('removes everything when the image is deleted or gone, and nothing is left to add', () => {
    for (const next of [{ ...base, deletedAt: '2026-01-01T00:00:00Z' }, undefined]) {
      const ops = searchIndexOps(base, next);
      expect(ops.remove).toHaveLength(4);
      expect(ops.add).toEqual([]);
      expect(ops.vocabPrune).toHaveLength(3);
    }
  });

  it('changes nothing when nothing the index sees changed', () => {
    expect(searchIndexOps(base, { ...base })).toEqual({ add: [], remove: [], vocabAdd: [], vocabPrune: [] });
  });
});
