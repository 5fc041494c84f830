import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/** Issue 21, items 2 and 9 (max-age): revocation revokes signed URLs. */
let t: TestService;
let alice: TestUser;
let bob: TestUser;
let image: string;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_AUTH_FAILURES: 'off' });
  alice = await createUser(t.url, t.adminKey, 'alice');
  bob = await createUser(t.url, t.adminKey, 'bob');
  const jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  const up = await uploadBytes(t.url, jpegVariant(jpeg, 'revocation'), 'image/jpeg', alice.key, '?visibility=private');
  expect(up.status).toBe(201);
  image = String(up.body.id);
  await waitForStatus(t.url, image, ['ready'], 60_000);
}, 90_000);
afterAll(async () => {
  await t?.stop();
});

async function mint(key: string, ttlSeconds = 3600): Promise<string> {
  const made = await api(t.url, 'POST', `/v1/images/${image}/signed-urls`, key, { ttlSeconds, presets: ['thumb'] });
  expect(made.status).toBe(200);
  return (made.body.urls as Record<string, string>).thumb!;
}

async function get(url: string): Promise<{ status: number; code: string | undefined; cacheControl: string | null }> {
  const res = await fetch(url);
  const text = Buffer.from(await res.arrayBuffer());
  const code = res.headers.get('content-type')?.startsWith('application/json') ? (JSON.parse(text.toString()) as { error: { code: string } }).error.code : undefined;
  return { status: res.status, code, cacheControl: res.headers.get('cache-control') };
}

describe('signed URLs minted by someone other than the owner', () => {
  it('stop working when the grant behind them is withdrawn, and a CDN may keep them only briefly', async () => {
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
    const lent = await mint(bob.key);
    const first = await get(lent);
    expect(first.status).toBe(200);
    expect(Number(/max-age=(\d+)/.exec(first.cacheControl ?? '')?.[1])).toBeLessThanOrEqual(60);
    // The record a viewer reads carries URLs bound to them too.
    const record = await api(t.url, 'GET', `/v1/images/${image}`, bob.key);
    const fromRecord = (record.body.signedUrls as Record<string, string>).default!;
    expect((await get(fromRecord)).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(204);
    expect(await get(lent)).toMatchObject({ status: 403, code: 'signature_revoked' });
    expect((await get(fromRecord)).status).toBe(403);
  });

  it('stop working when the minting key is revoked or its user disabled', async () => {
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
    const child = await createKey(t.url, bob.key, ['images:read']);
    const lent = await mint(child);
    expect((await get(lent)).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/keys/${child.split('_')[1]}`, bob.key)).status).toBe(200);
    expect((await get(lent)).status).toBe(403);

    const carol = await createUser(t.url, t.adminKey, 'carol');
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${carol.id}`, alice.key)).status).toBe(200);
    const carols = await mint(carol.key);
    expect((await get(carols)).status).toBe(200);
    expect((await api(t.url, 'POST', `/v1/users/${carol.id}/disable`, t.adminKey)).status).toBe(200);
    expect((await get(carols)).status).toBe(403);
  });
});

describe('the owner', () => {
  it('invalidates every signed URL of an image at once; URLs minted afterwards work', async () => {
    const own = await mint(alice.key);
    const admins = await mint(t.adminKey);
    expect((await get(own)).status).toBe(200);
    expect((await get(admins)).status).toBe(200);
    const revoked = await api(t.url, 'POST', `/v1/images/${image}/signed-urls/revoke`, alice.key);
    expect(revoked.status).toBe(200);
    expect(await get(own)).toMatchObject({ status: 403, code: 'signature_revoked' });
    expect((await get(admins)).status).toBe(403);
    const fresh = await mint(alice.key);
    expect((await get(fresh)).status).toBe(200);
    // Only the owner or an admin may pull the switch: a viewer is refused.
    expect((await api(t.url, 'POST', `/v1/images/${image}/signed-urls/revoke`, bob.key)).status).toBe(403);
  });

  it('cannot mint URLs that live longer than the maximum (one day by default)', async () => {
    const week = await api(t.url, 'POST', `/v1/images/${image}/signed-urls`, alice.key, { ttlSeconds: 7 * 86_400 });
    expect(week.status).toBe(400);
    const day = await api(t.url, 'POST', `/v1/images/${image}/signed-urls`, alice.key, { ttlSeconds: 86_400 });
    expect(day.status).toBe(200);
  });
});

describe('max-age of a signed URL', () => {
  it('never reaches past exp, however far into its second the request comes', async () => {
    for (let i = 0; i < 6; i++) {
      // Spread the requests over fractions of a second.
      await new Promise((r) => setTimeout(r, 170));
      const url = await mint(alice.key, 20);
      const exp = Number(new URL(url).searchParams.get('exp'));
      const sent = Date.now();
      const got = await get(url);
      expect(got.status).toBe(200);
      const maxAge = Number(/max-age=(\d+)/.exec(got.cacheControl ?? '')?.[1]);
      expect(sent + maxAge * 1000).toBeLessThanOrEqual(exp * 1000);
    }
  });
});
