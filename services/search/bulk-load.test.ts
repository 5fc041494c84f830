import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { newImageId } from '../core/ids.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { buildShardIndex, queueShardIndex } from './bulk-load.js';
import { decodePostings } from './postings.js';
import { searchShardCount, searchShardOf } from './search-keys.js';
import { setShardCount } from '../redis/keys.js';

let r: TestRedis;
let bulk: Redis;

beforeAll(async () => {
  r = await startTestRedis();
  bulk = new Redis(`${r.url}/1`);
  setShardCount(2);
});
afterAll(async () => {
  setShardCount(16);
  bulk?.disconnect();
  await r?.stop();
});

const WORDS = ['red', 'sea', 'sky', 'dog', 'cat', 'tower', 'café', 'straße', 'night', 'rain'];

it('builds in bulk exactly what the script leaves after indexing the same images in id order', async () => {
  const start = Date.parse('2026-02-01T00:00:00Z');
  const images: ImageRecord[] = Array.from({ length: 1000 }, (_, i) => {
    const at = new Date(start + i * 1000).toISOString();
    return {
      id: newImageId(start + i * 1000), ownerId: `01OWNER${i % 5}`.padEnd(26, '0'), visibility: i % 3 === 0 ? 'public' : 'private', sha256: String(i).padStart(64, '0'), format: 'jpeg',
      width: 1, height: 1, bytes: 1, orientation: 1, hasAlpha: false, frames: 1, status: 'ready', createdAt: at, updatedAt: at, variants: [],
      meta: { title: `${WORDS[i % 10]} ${WORDS[(i * 7) % 10]}`, description: i % 4 === 0 ? WORDS[(i * 3) % 10] : undefined, tags: i % 5 === 0 ? ['Beach'] : [] },
      revision: 1,
      ...(i % 50 === 7 ? { deletedAt: at } : {}),
    } as ImageRecord;
  });
  const index = new ImageIndex(r.client);
  for (const img of images) await index.put(img);
  for (let s = 0; s < searchShardCount(); s++) {
    const p = bulk.pipeline();
    queueShardIndex(p, buildShardIndex(s, images.filter((img) => searchShardOf(img.id) === s)));
    await p.exec();
  }
  const searchKeysOf = async (c: Redis) => (await c.keys('imgsvc:search:*')).sort();
  const keys = await searchKeysOf(r.client);
  expect(await searchKeysOf(bulk)).toEqual(keys);
  let bitmaps = 0;
  for (const key of keys) {
    const type = await r.client.type(key);
    expect(await bulk.type(key), key).toBe(type);
    if (type === 'hash') expect(await bulk.hgetall(key), key).toEqual(await r.client.hgetall(key));
    else if (type === 'zset') expect(await bulk.zrange(key, 0, -1), key).toEqual(await r.client.zrange(key, 0, -1));
    else if (key.endsWith(':docs')) expect((await bulk.getBuffer(key))!.equals((await r.client.getBuffer(key))!), key).toBe(true);
    else {
      const live = (await r.client.getBuffer(key))!;
      if (live[0] === 0x42) bitmaps++;
      expect(decodePostings((await bulk.getBuffer(key))!), key).toEqual(decodePostings(live));
    }
  }
  expect(bitmaps).toBeGreaterThan(3);
});
