import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { api, createUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * The premise of the cluster lane: one tenant's uploads, and a few tenants', land on every
 * primary (images are minted into logical shards spread over the slots), so the end-to-end
 * suites exercise every node, not one.
 */
let t: TestService;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

it('spreads one owner\'s uploads, and several owners\', over every primary, each served and ready', async () => {
  expect(t.redis.kind, 'run in the cluster lane (npm run test:cluster)').toBe('cluster');
  const photo = await readFile(corpusPath('photos/tower_progressive.jpg'));
  const owners = await Promise.all(['spread-a', 'spread-b', 'spread-c'].map((h) => createUser(t.url, t.adminKey, h)));
  const ids: { id: string; key: string }[] = [];
  for (let n = 0; n < 24; n++) {
    const owner = owners[n % 3]!;
    const up = await uploadBytes(t.url, Buffer.concat([photo, Buffer.from(`spread-${n}`)]), 'image/jpeg', owner.key);
    expect(up.status).toBe(201);
    ids.push({ id: up.body.id as string, key: owner.key });
  }
  const masters = t.redis.cluster!.client.nodes('master');
  expect(masters).toHaveLength(3);
  const recordsPerMaster = await Promise.all(masters.map(async (m) => (await m.keys('imgsvc:*img:*')).length));
  console.log(`image records per primary: ${recordsPerMaster.join(', ')}`);
  for (const n of recordsPerMaster) expect(n).toBeGreaterThan(0);
  await vi.waitFor(
    async () => {
      for (const { id, key } of ids) expect((await api(t.url, 'GET', `/v1/images/${id}`, key)).body.status).toBe('ready');
    },
    { timeout: 90_000, interval: 500 },
  );
}, 180_000);
