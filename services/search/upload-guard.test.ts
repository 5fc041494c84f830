import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { newImageIdInShard } from '../core/shards.js';
import { dedupKey } from '../core/dedup-key.js';
import { dedupShard, shardCount } from '../redis/keys.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { searchKeys, searchShardOf } from './search-keys.js';

let r: TestRedis;
beforeAll(async () => {
  r = await startTestRedis();
});
afterAll(async () => {
  await r?.stop();
});

it('indexes an upload in its pivot only when that upload created the image', async () => {
  const index = new ImageIndex(r.client);
  const at = new Date().toISOString();
  const record = (id: string): ImageRecord => ({
    id, ownerId: '01OWNERA000000000000000000', visibility: 'public', sha256: 'a'.repeat(64), format: 'jpeg', width: 1, height: 1, bytes: 1, orientation: 1,
    hasAlpha: false, frames: 1, status: 'processing', createdAt: at, updatedAt: at, variants: [], meta: { title: 'racing uploads', tags: [] }, revision: 1,
  });
  // Minted as the upload mints them: into the shard of the owner's dedup entry for these bytes.
  const mint = () => newImageIdInShard(dedupShard(dedupKey({ ownerId: '01OWNERA000000000000000000', sha256: 'a'.repeat(64) })), shardCount());
  const winner = record(mint());
  const loser = record(mint());
  expect(await index.createAndEnqueue(winner)).toMatchObject({ created: true });
  expect(await index.createAndEnqueue(loser)).toEqual({ created: false, existingId: winner.id });
  expect(await r.client.hget(searchKeys.docOf(searchShardOf(winner.id), winner.id), winner.id)).toBe('1');
  expect(await r.client.hget(searchKeys.docOf(searchShardOf(loser.id), loser.id), loser.id)).toBeNull();
});
