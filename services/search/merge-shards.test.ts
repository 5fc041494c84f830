import { describe, expect, it } from 'vitest';
import { mergeShardAnswers, parseShardReply } from './merge-shards.js';

describe('mergeShardAnswers', () => {
  it('orders ids newest first across shards when every shard is exhausted', () => {
    const merged = mergeShardAnswers([
      { ids: ['0C', '0A'], floor: undefined, prefixLimited: false },
      { ids: ['0D', '0B'], floor: undefined, prefixLimited: true },
    ]);
    expect(merged).toEqual({ ids: ['0D', '0C', '0B', '0A'], floor: undefined, prefixLimited: true });
  });

  it('keeps only what no shard can still put something newer in front of', () => {
    // Shard 1 stopped at 0M (it may hold more below); shard 2 went down to 0E.
    const merged = mergeShardAnswers([
      { ids: ['0Z', '0M'], floor: '0M', prefixLimited: false },
      { ids: ['0P', '0K', '0F'], floor: '0E', prefixLimited: false },
    ]);
    expect(merged.ids).toEqual(['0Z', '0P', '0M']);
    expect(merged.floor).toBe('0M');
  });

  it('reads the script reply', () => {
    expect(parseShardReply([1, 0, ''])).toEqual({ ids: [], floor: undefined, prefixLimited: false });
    expect(parseShardReply([0, 1, '0M', '0Z', '0M'])).toEqual({ ids: ['0Z', '0M'], floor: '0M', prefixLimited: true });
  });
});
