import { describe, expect, it } from 'vitest';
import { fairShare } from './fair-share.js';

describe('fairShare', () => {
  const none = new Map<string, number>();
  it.each([
    ['one owner gets up to their limit', { ready: ['a'], inFlight: none, free: 16, perOwner: 4 }, [{ ownerId: 'a', count: 4 }]],
    ['slots split evenly, one per pass', { ready: ['a', 'b', 'c'], inFlight: none, free: 5, perOwner: 4 }, [{ ownerId: 'a', count: 2 }, { ownerId: 'b', count: 2 }, { ownerId: 'c', count: 1 }]],
    ['an owner at their limit gets nothing; the others keep the slots', { ready: ['slow', 'fast'], inFlight: new Map([['slow', 4]]), free: 12, perOwner: 4 }, [{ ownerId: 'fast', count: 4 }]],
    ['the round starts after the owner served last time', { ready: ['a', 'b', 'c'], inFlight: none, free: 1, perOwner: 4, after: 'a' }, [{ ownerId: 'b', count: 1 }]],
    ['and wraps around', { ready: ['a', 'b', 'c'], inFlight: none, free: 2, perOwner: 4, after: 'c' }, [{ ownerId: 'a', count: 1 }, { ownerId: 'b', count: 1 }]],
    ['no free slot, no claim', { ready: ['a'], inFlight: none, free: 0, perOwner: 4 }, []],
    ['duplicates count once', { ready: ['a', 'a'], inFlight: none, free: 8, perOwner: 2 }, [{ ownerId: 'a', count: 2 }]],
  ])('%s', (_name, input, expected) => {
    expect(fairShare(input)).toEqual(expected);
  });

  it('serves every owner within a few rounds however many are ready', () => {
    const ready = Array.from({ length: 40 }, (_, i) => `o${String(i).padStart(2, '0')}`);
    const served = new Set<string>();
    let after: string | undefined;
    for (let round = 0; round < 10; round++) {
      const shares = fairShare({ ready, inFlight: new Map(), free: 4, perOwner: 4, after });
      for (const s of shares) served.add(s.ownerId);
      // The next round starts after the last owner served in this one.
      after = shares[shares.length - 1]?.ownerId;
    }
    expect(served.size).toBe(40);
  });
});
