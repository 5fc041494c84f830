import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { BACKENDS, startTestService, type TestService } from '../helpers/service.js';
import { asBrowser, setPassword, signIn } from '../helpers/sessions.js';

/** tus 1.0 over real HTTP, as tus-js-client and Uppy speak it. */
const TUS = { 'tus-resumable': '1.0.0' };
const meta = (fields: Record<string, string>) => Object.entries(fields).map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`).join(',');

async function create(t: TestService, key: string, length: number, fields: Record<string, string> = {}): Promise<Response> {
  const metadata: Record<string, string> = Object.keys(fields).length > 0 ? { 'upload-metadata': meta(fields) } : {};
  return fetch(`${t.url}/v1/uploads`, { method: 'POST', headers: { ...TUS, authorization: `Bearer ${key}`, 'upload-length': String(length), ...metadata } });
}
async function patch(t: TestService, key: string, location: string, offset: number, bytes: Uint8Array): Promise<Response> {
  return fetch(`${t.url}${location}`, { method: 'PATCH', headers: { ...TUS, authorization: `Bearer ${key}`, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, body: bytes });
}
async function head(t: TestService, key: string, location: string): Promise<Response> {
  return fetch(`${t.url}${location}`, { method: 'HEAD', headers: { ...TUS, authorization: `Bearer ${key}` } });
}
const partsDir = (t: TestService) => join(t.dataDir, 'tus');
const partsOf = async (t: TestService, location: string) => (await readdir(partsDir(t)).catch(() => [] as string[])).filter((f) => f.startsWith(location.split('/').pop()!));

describe.each(BACKENDS)('resumable uploads (tus) on the %s backend', (backend) => {
  let t: TestService;
  let owner: TestUser;
  let other: TestUser;
  let photo: Buffer;

  beforeAll(async () => {
    t = await startTestService({ IMGSVC_TUS_MAX_OPEN_UPLOADS: '3' }, backend);
    owner = await createUser(t.url, t.adminKey, 'uploader');
    other = await createUser(t.url, t.adminKey, 'other');
    photo = jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), `tus-${backend}`);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  it('uploads in parts, refuses a wrong offset with 409, and the last part answers the image', async () => {
    const made = await create(t, owner.key, photo.length, { filename: 'tower.jpg', title: 'Tower', description: 'seen from the river', tags: 'paris,tower', visibility: 'private' });
    expect(made.status).toBe(201);
    const location = made.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^/v1/uploads/${owner.id}-[0-9a-f]{32}$`));
    const half = Math.floor(photo.length / 2);
    const first = await patch(t, owner.key, location, 0, photo.subarray(0, half));
    expect(first.status).toBe(204);
    expect(first.headers.get('upload-offset')).toBe(String(half));
    expect((await head(t, owner.key, location)).headers.get('upload-offset')).toBe(String(half));
    // Another user cannot see, continue or end it.
    expect((await head(t, other.key, location)).status).toBe(404);
    expect((await patch(t, other.key, location, half, photo.subarray(half))).status).toBe(404);
    // A part sent at the wrong offset changes nothing.
    const wrong = await patch(t, owner.key, location, half - 10, photo.subarray(half - 10));
    expect(wrong.status).toBe(409);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('offset_mismatch');
    expect((await head(t, owner.key, location)).headers.get('upload-offset')).toBe(String(half));

    const last = await patch(t, owner.key, location, half, photo.subarray(half));
    expect(last.status).toBe(204);
    const imageId = last.headers.get('imgsvc-image-id')!;
    expect(last.headers.get('imgsvc-image-url')).toBe(`/v1/images/${imageId}`);
    const after = await head(t, owner.key, location);
    expect(after.status).toBe(200);
    expect(after.headers.get('imgsvc-image-id')).toBe(imageId);
    expect(after.headers.get('upload-offset')).toBe(String(photo.length));
    // A retried last PATCH (its answer lost) learns the same image.
    expect((await patch(t, owner.key, location, half, photo.subarray(half))).headers.get('imgsvc-image-id')).toBe(imageId);

    const image = await api(t.url, 'GET', `${location}/image`, owner.key);
    expect(image.status).toBe(200);
    expect(image.body).toMatchObject({ id: imageId, title: 'Tower', description: 'seen from the river', tags: ['paris', 'tower'], visibility: 'private', bytes: photo.length, takenAt: '2019-11-09T10:59:36.000Z' });
    expect((await api(t.url, 'GET', `/v1/images/${imageId}`, other.key)).status).toBe(404);
    expect(await partsOf(t, location)).toEqual([]);
  });

  it('the same bytes twice give the same image (per-owner dedup)', async () => {
    const bytes = jpegVariant(photo, 'dedup');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const made = await create(t, owner.key, bytes.length, { filename: 'again.jpg' });
      const done = await patch(t, owner.key, made.headers.get('location')!, 0, bytes);
      expect(done.status).toBe(204);
      ids.push(done.headers.get('imgsvc-image-id')!);
    }
    expect(ids[0]).toBe(ids[1]);
  });

  it('a finished upload that is not an image: 415, and its parts are removed', async () => {
    const text = Buffer.from('this is not an image at all, just some text\n'.repeat(200));
    const made = await create(t, owner.key, text.length, { filename: 'notes.jpg' });
    const location = made.headers.get('location')!;
    expect((await patch(t, owner.key, location, 0, text.subarray(0, 1000))).status).toBe(204);
    expect(await partsOf(t, location)).not.toEqual([]);
    const last = await patch(t, owner.key, location, 1000, text.subarray(1000));
    expect(last.status).toBe(415);
    expect(await partsOf(t, location)).toEqual([]);
    expect((await head(t, owner.key, location)).status).toBe(404);
  });

  it('bounds open uploads per user, refuses bad metadata and unknown keys', async () => {
    expect((await create(t, owner.key, 10, { visibility: 'secret' })).status).toBe(400);
    expect((await create(t, owner.key, 10, { colour: 'red' })).status).toBe(400);
    expect((await fetch(`${t.url}/v1/uploads`, { method: 'POST', headers: { ...TUS, 'upload-length': '10' } })).status).toBe(401);
    const open: string[] = [];
    for (let i = 0; i < 3; i++) {
      const made = await create(t, other.key, 100);
      expect(made.status).toBe(201);
      open.push(made.headers.get('location')!);
    }
    const fourth = await create(t, other.key, 100);
    expect(fourth.status).toBe(429);
    // Termination frees a slot (and removes the parts).
    const ended = await fetch(`${t.url}${open[0]}`, { method: 'DELETE', headers: { ...TUS, authorization: `Bearer ${other.key}` } });
    expect(ended.status).toBe(204);
    expect(await partsOf(t, open[0]!)).toEqual([]);
    expect((await create(t, other.key, 100)).status).toBe(201);
  });

  it('works with the session cookie, which needs the CSRF token', async () => {
    await setPassword(t.url, t.adminKey, owner.id, 'uploader password 1');
    const s = await signIn(t.url, 'uploader', 'uploader password 1');
    const bytes = jpegVariant(photo, 'session');
    const headers = { ...TUS, cookie: s.cookie, 'sec-fetch-site': 'same-origin', 'upload-length': String(bytes.length) };
    expect((await fetch(`${t.url}/v1/uploads`, { method: 'POST', headers })).status).toBe(403);
    const made = await fetch(`${t.url}/v1/uploads`, { method: 'POST', headers: { ...headers, 'x-csrf-token': s.csrfToken } });
    expect(made.status).toBe(201);
    const done = await fetch(`${t.url}${made.headers.get('location')!}`, { method: 'PATCH', headers: { ...TUS, cookie: s.cookie, 'sec-fetch-site': 'same-origin', 'x-csrf-token': s.csrfToken, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: bytes });
    expect(done.status).toBe(204);
    expect((await asBrowser(t.url, 'GET', `/v1/images/${done.headers.get('imgsvc-image-id')!}`, s)).status).toBe(200);
  });
});

describe('abandoned resumable uploads', () => {
  let t: TestService;
  let owner: TestUser;
  beforeAll(async () => {
    t = await startTestService({ IMGSVC_TUS_EXPIRY: '2', IMGSVC_TUS_SWEEP: '1' });
    owner = await createUser(t.url, t.adminKey, 'slowpoke');
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('expire: a part after expiry is refused (410, then 404) and the parts are swept', async () => {
    const photo = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const made = await create(t, owner.key, photo.length);
    const location = made.headers.get('location')!;
    expect(made.headers.get('upload-expires')).toBeTruthy();
    expect((await patch(t, owner.key, location, 0, photo.subarray(0, 1000))).status).toBe(204);
    await new Promise((r) => setTimeout(r, 2_200));
    expect([404, 410]).toContain((await patch(t, owner.key, location, 1000, photo.subarray(1000))).status);
    await vi.waitFor(async () => expect(await partsOf(t, location)).toEqual([]), { timeout: 10_000, interval: 250 });
    expect((await head(t, owner.key, location)).status).toBe(404);
  });
});
