import { describe, expect, it } from 'vitest';
import { keySlot, newImageIdInShard, shardTag } from '../core/shards.js';
import { applyDocArgs, searchIndexOps } from './index-ops.js';
import { searchBase, searchKeys, searchShardCount, searchShardOf } from './search-keys.js';

describe('search keys', () => {
  it('put every key of an image’s step, and every key its shard’s query builds, in its shard’s slot', () => {
    const n = searchShardCount();
    for (let i = 0; i < 200; i++) {
      const id = newImageIdInShard(i % n, n);
      const shard = searchShardOf(id);
      expect(shard).toBe(i % n);
      const ops = searchIndexOps({ id, ownerId: `OWNER${i}`, visibility: 'public', meta: { title: 'old words', tags: [] } }, { id, ownerId: `OWNER${i + 1}`, visibility: 'private', meta: { title: `Café ${i} 東京`, tags: ['Sea Side'] } });
      const args = applyDocArgs(ops);
      const keys = args.slice(1, 1 + Number(args[0])).map(String);
      const built = [...ops.terms, ...ops.remove].map((t) => searchKeys.term(shard, t));
      const query = [searchKeys.vocab(shard, 'caf'), searchKeys.owner(shard, 'X'), searchKeys.late(shard), searchKeys.public(shard), searchKeys.vocabBuckets(shard)];
      const slots = new Set([...keys, ...built, ...query].map(keySlot));
      expect(slots, id).toEqual(new Set([keySlot(shardTag(shard))]));
      expect(String(args[1 + Number(args[0])])).toBe(searchBase(shard));
    }
  });
});
