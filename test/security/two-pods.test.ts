import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { statusOf, uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startSecondPod } from '../helpers/second-pod.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Two pods on one Redis and one storage: this process (all roles) and a second `imgsvc serve
 * --role origin` child. Changes made through one must reach the other's in-memory caches
 * within a second.
 */
let t: TestService;
let second: { stop: () => Promise<void> } | undefined;
let b: string;
let alice: TestUser;
let bob: TestUser;
let jpeg: Buffer;

beforeAll(async () => {
  t = await startTestService();
  const pod = await startSecondPod(t, 'origin');
  second = pod;
  b = pod.url;
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  alice = await createUser(t.url, t.adminKey, 'alice');
  bob = await createUser(t.url, t.adminKey, 'bob');
}, 60_000);

afterAll(async () => {
  await second?.stop();
  await t?.stop();
});

/** Polls until `check` passes; returns how long it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < ms * 3) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`not seen within ${ms * 3} ms`);
}

async function upload(visibility: 'public' | 'private', tag: string): Promise<string> {
  const up = await uploadBytes(t.url, jpegVariant(jpeg, tag), 'image/jpeg', alice.key, `?visibility=${visibility}`);
  expect(up.status).toBe(201);
  await waitForStatus(t.url, String(up.body.id), ['ready']);
  return String(up.body.id);
}

describe('changes reach the other pod within a second', () => {
  it('making an image private hides it on the other origin', async () => {
    const id = await upload('public', 'two-pods-privacy');
    // Warm the second pod: record and variant now answer from its memory.
    expect(await statusOf(`${b}/i/${id}`)).toBe(200);
    expect(await statusOf(`${b}/i/${id}`)).toBe(200);
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { visibility: 'private' })).status).toBe(200);
    const took = await within(1000, async () => (await statusOf(`${b}/i/${id}`)) === 404);
    expect(took).toBeLessThanOrEqual(1000);
    expect(await statusOf(`${b}/i/${id}`, alice.key)).toBe(200);
  });

  it('a revoked key stops working on the other origin', async () => {
    const id = await upload('private', 'two-pods-revoke');
    const token = await createKey(t.url, alice.key, ['images:read']);
    expect(await statusOf(`${b}/i/${id}`, token)).toBe(200);
    expect(await statusOf(`${b}/i/${id}`, token)).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/keys/${token.split('_')[1]}`, alice.key)).status).toBe(200);
    const took = await within(1000, async () => (await statusOf(`${b}/i/${id}`, token)) === 401);
    expect(took).toBeLessThanOrEqual(1000);
  });

  it('a revoked grant hides the owner’s private images from the viewer on the other origin', async () => {
    const id = await upload('private', 'two-pods-grant');
    expect(await statusOf(`${b}/i/${id}`, bob.key)).toBe(404);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
    await within(1000, async () => (await statusOf(`${b}/i/${id}`, bob.key)) === 200);
    expect((await api(t.url, 'DELETE', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(204);
    const took = await within(1000, async () => (await statusOf(`${b}/i/${id}`, bob.key)) === 404);
    expect(took).toBeLessThanOrEqual(1000);
  });

  it('a disabled user is refused on the other origin', async () => {
    const carol = await createUser(t.url, t.adminKey, 'carol');
    const id = await upload('public', 'two-pods-disable');
    expect(await statusOf(`${b}/i/${id}`, carol.key)).toBe(200);
    expect((await api(t.url, 'POST', `/v1/users/${carol.id}/disable`, t.adminKey)).status).toBe(200);
    const took = await within(1000, async () => (await statusOf(`${b}/i/${id}`, carol.key)) === 401);
    expect(took).toBeLessThanOrEqual(1000);
  });
});
