import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { ImageGuard } from '../access/image-guard.js';
import { ViewerGrants } from '../accounts/viewer-grants.js';
import { newImageId } from '../core/ids.js';
import { createLogger } from '../core/logger.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { writeManifest } from '../images/manifest-store.js';
import { reindex } from '../images/reindex.js';
import { redisKeys } from '../redis/keys.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { upgradeLegacySearch } from './legacy-keys.js';
import { parseQuery } from './parse-query.js';
import { SearchIndex } from './search-index.js';

let r: TestRedis;
let dir: string;
const logger = createLogger('silent');

beforeAll(async () => {
  r = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-search-upgrade-'));
});
afterAll(async () => {
  await r?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('an index of the previous layout is dropped, and the rebuild that follows restores search', async () => {
  const store = await FsObjectStore.open(dir);
  const index = new ImageIndex(r.client);
  const at = new Date().toISOString();
  const images: ImageRecord[] = Array.from({ length: 30 }, (_, i) => ({
    id: newImageId(Date.now() - i * 1000), ownerId: '01OWNERA000000000000000000', visibility: i % 2 ? 'public' : 'private', sha256: String(i).padStart(64, '0'), format: 'jpeg',
    width: 1, height: 1, bytes: 1, orientation: 1, hasAlpha: false, frames: 1, status: 'ready', createdAt: at, updatedAt: at, variants: [],
    meta: { title: i % 3 ? 'red sunset' : 'blue sea', tags: [] }, revision: 1,
  }) as ImageRecord);
  for (const img of images) {
    await writeManifest(store, img);
    await index.put(img);
  }
  await index.markBuilt({ builtAt: at, unreadable: 0 });
  // As the previous version left Redis: records, and search keys of the old layout only.
  const current = await r.client.keys('imgsvc:search:{*');
  await r.client.del(...current);
  await r.client.zadd('imgsvc:search:pub:t:red', 0, images[1]!.id);
  await r.client.zadd('imgsvc:search:pub:vocab', 0, 'red');
  await r.client.zadd('imgsvc:search:priv:01OWNERA000000000000000000:t:red', 0, images[2]!.id);
  await r.client.set('imgsvc:search:tmp:abc:0', 'x');

  expect(await upgradeLegacySearch(r.client, logger)).toBe(4);
  expect(await r.client.keys('imgsvc:search:p*')).toEqual([]);
  expect(await r.client.keys('imgsvc:search:tmp*')).toEqual([]);
  // The sentinel went with them, so the automatic rebuild runs (here: reindex, as the guard would).
  expect(await r.client.get(redisKeys.indexBuilt)).toBeNull();
  expect((await reindex(store, index, logger)).restored).toBe(30);
  expect(await upgradeLegacySearch(r.client, logger)).toBe(0);

  const grants = new ViewerGrants(r.client, store, undefined);
  const search = new SearchIndex(r.client, index, new ImageGuard((id) => index.get(id), grants), grants);
  const page = await search.search({ kind: 'anonymous' }, { terms: parseQuery('red'), limit: 50 });
  const expected = images.filter((img, i) => i % 2 === 1 && i % 3 !== 0).map((img) => img.id).sort().reverse();
  expect(page.items.map((x) => x.id)).toEqual(expected);
});
