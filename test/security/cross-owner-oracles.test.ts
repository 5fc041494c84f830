import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/** Issue 21, item 7b: one owner's variants of shared bytes say nothing about another owner's viewers. */
let t: TestService;
let alice: TestUser;
let mallory: TestUser;
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
  alice = await createUser(t.url, t.adminKey, 'alice');
  mallory = await createUser(t.url, t.adminKey, 'mallory');
  const bytes = jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'same-bytes');
  for (const [who, user] of [['alice', alice], ['mallory', mallory]] as const) {
    const up = await uploadBytes(t.url, bytes, 'image/jpeg', user.key, '?visibility=public');
    expect(up.status).toBe(201);
    ids[who] = String(up.body.id);
    await waitForStatus(t.url, ids[who], ['ready'], 60_000);
  }
}, 90_000);
afterAll(async () => {
  await t?.stop();
});

async function timed(url: string): Promise<{ tier: string | null; ms: number }> {
  const started = performance.now();
  const res = await fetch(url);
  await res.arrayBuffer();
  expect(res.status).toBe(200);
  return { tier: res.headers.get('x-imgsvc-cache'), ms: performance.now() - started };
}

describe('variants of bytes two owners share', () => {
  it('a size alice\'s viewers asked for is still a fresh transform for mallory, by header and by time', async () => {
    for (const query of ['?w=333&fmt=webp', '?w=517&h=211&fit=cover&fmt=jpeg']) {
      const first = await timed(`${t.url}/i/${ids.alice}${query}`);
      expect(first.tier).toBe('transform');
      expect((await timed(`${t.url}/i/${ids.alice}${query}`)).tier).toBe('memory');
      const probe = await timed(`${t.url}/i/${ids.mallory}${query}`);
      expect(probe.tier).toBe('transform');
      const hit = await timed(`${t.url}/i/${ids.mallory}${query}`);
      console.log(`7b ${query}: alice first ${first.ms.toFixed(1)} ms; mallory's probe ${probe.ms.toFixed(1)} ms (a transform, as for bytes nobody viewed); mallory's repeat ${hit.ms.toFixed(1)} ms`);
    }
  });

  it('eager presets stay shared (every upload makes them, so they reveal nothing)', async () => {
    expect((await timed(`${t.url}/i/${ids.alice}/thumb`)).tier).not.toBe('transform');
    expect((await timed(`${t.url}/i/${ids.mallory}/thumb`)).tier).not.toBe('transform');
  });
});
