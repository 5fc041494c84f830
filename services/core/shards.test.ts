import { describe, expect, it } from 'vitest';
import { allShards, keySlot, newImageIdInShard, shardOfDedup, shardOfImage, shardTag, userTag } from './shards.js';
import { isImageId } from './ids.js';

describe('key slots', () => {
  it('match CLUSTER KEYSLOT for known keys (values from the Redis Cluster specification and redis-cli)', () => {
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('bar')).toBe(5061);
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
    expect(keySlot('foo{}{bar}')).toBe(keySlot('foo{}{bar}')); // empty tag: the whole key is hashed
    expect(keySlot('foo{{bar}}zap')).toBe(keySlot('{bar'));
    expect(keySlot('foo{bar}{zap}')).toBe(keySlot('bar'));
  });

  it('put every key of a shard or a user in one slot', () => {
    expect(keySlot(`imgsvc:${shardTag(3)}:img:A`)).toBe(keySlot(`imgsvc:${shardTag(3)}:jobs`));
    expect(keySlot(`imgsvc:${userTag('U1')}:favorites`)).toBe(keySlot(`imgsvc:${userTag('U1')}:keys`));
  });
});

describe('shards', () => {
  it('map any id to a shard in range, the same way every time', () => {
    for (const n of [1, 2, 16, 1024]) {
      for (let i = 0; i < 200; i++) {
        const id = newImageIdInShard(i % n, n);
        expect(isImageId(id)).toBe(true);
        expect(shardOfImage(id, n)).toBe(i % n);
      }
    }
    expect(shardOfImage('01J0000000000000000000000A', 16)).toBe(shardOfImage('01J0000000000000000000000A', 16));
    expect(allShards(4)).toEqual([0, 1, 2, 3]);
    const t = Date.UTC(2026, 0, 1);
    const ids = [newImageIdInShard(1, 16, t), newImageIdInShard(1, 16, t + 1), newImageIdInShard(1, 16, t + 1000)];
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.slice(0, 10)).toBe('01KDVDNA00');
  });

  it('spread one owner\'s uploads over every shard', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i++) seen.add(shardOfDedup(`owner:${i.toString(16).padStart(64, '0')}`, 16));
    expect(seen.size).toBe(16);
  });

  it('refuse a shard out of range', () => {
    expect(() => newImageIdInShard(16, 16)).toThrow(/expected a shard in 0..15/);
  });
});
