import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, storedKeys, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Issue 21, item 9: the origin stops transforming for clients that left. One transform slot:
 * a slow transform holds it, four more wait in the queue; their clients hang up; once the slot
 * frees, none of the four is made (nothing stored), while the one still waited for is.
 */
let t: TestService;
let alice: TestUser;
let id = '';

beforeAll(async () => {
  t = await startTestService({ IMGSVC_TRANSFORM_CONCURRENCY: '1', IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
  alice = await createUser(t.url, t.adminKey, 'alice');
  const up = await uploadBytes(t.url, await readFile(corpusPath('photos/Elephants_5640x3172.jpg')), 'image/jpeg', alice.key, '?visibility=public');
  expect(up.status).toBe(201);
  id = String(up.body.id);
  await waitForStatus(t.url, id, ['ready'], 120_000);
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

const ownVariants = async () => (await storedKeys(t)).filter((k) => k.startsWith('variants/') && k.includes(`/o-${alice.id}/`));

describe('a transform nobody waits for', () => {
  it('is abandoned: the clients that left cause no work and no stored variant', async () => {
    expect(await ownVariants()).toEqual([]);
    const kept = fetch(`${t.url}/i/${id}?w=5000&fmt=png`).then(async (r) => ({ status: r.status, bytes: (await r.arrayBuffer()).byteLength }));
    await new Promise((r) => setTimeout(r, 150));
    // Four rungs of the width ladder: four distinct variants (an unsigned width off the ladder would snap, and share one).
    const leavers = [800, 960, 1080, 1170].map((w) => {
      const controller = new AbortController();
      const done = fetch(`${t.url}/i/${id}?w=${w}&fmt=webp`, { signal: controller.signal }).then(
        () => 'answered',
        () => 'left',
      );
      return { controller, done };
    });
    await new Promise((r) => setTimeout(r, 200));
    for (const l of leavers) l.controller.abort();
    expect(await Promise.all(leavers.map((l) => l.done))).toEqual(['left', 'left', 'left', 'left']);
    expect((await kept).status).toBe(200);
    // Give any transform that was not abandoned time to run and store its variant.
    await new Promise((r) => setTimeout(r, 3_000));
    const stored = await ownVariants();
    console.log(`9: stored on-demand variants after 4 clients left and 1 stayed: ${stored.length}`);
    expect(stored).toHaveLength(1);
  }, 60_000);
});
