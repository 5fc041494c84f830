import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;
let owner: TestUser;

beforeAll(async () => {
  t = await startTestService();
  owner = await createUser(t.url, t.adminKey, 'photographer');
});
afterAll(async () => {
  await t?.stop();
});

describe('EXIF at upload', () => {
  it('reads the date taken; the position only once the owner turns shareLocation on', async () => {
    const tower = await readFile(corpusPath('photos/tower_progressive.jpg'));
    const first = await uploadBytes(t.url, tower, 'image/jpeg', owner.key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ takenAt: '2019-11-09T10:59:36.000Z', location: null });

    const me = await api(t.url, 'PATCH', '/v1/me', owner.key, { shareLocation: true });
    expect(me.body.shareLocation).toBe(true);
    const starfish = await uploadBytes(t.url, await readFile(corpusPath('photos/starfish.jpg')), 'image/jpeg', owner.key);
    expect(starfish.body).toMatchObject({ takenAt: '2013-05-10T15:21:35.000Z', location: { lat: 55.038756, lon: 8.457191 } });

    // What the uploader says wins over EXIF.
    const cups = await uploadBytes(t.url, await readFile(corpusPath('photos/ColorfulCups-2560x1600.jpg')), 'image/jpeg', owner.key, '?takenAt=2020-01-01T00:00:00Z&lat=1&lon=2&place=Here');
    expect(cups.body).toMatchObject({ takenAt: '2020-01-01T00:00:00Z', location: { lat: 1, lon: 2, place: 'Here' } });

    // No EXIF: nothing made up.
    const plain = await uploadBytes(t.url, await readFile(corpusPath('photos/flower.png.im_q85_444.jpg')), 'image/jpeg', owner.key);
    expect(plain.body).toMatchObject({ takenAt: null, location: null });

    // sort=taken: the date taken, newest first, the upload time standing in where there is none.
    const ids = (body: Record<string, unknown>) => (body.items as { id: string }[]).map((i) => i.id);
    const byUpload = await api(t.url, 'GET', '/v1/images', owner.key);
    expect(ids(byUpload.body)).toEqual([plain.body.id, cups.body.id, starfish.body.id, first.body.id]);
    const page1 = await api(t.url, 'GET', '/v1/images?sort=taken&limit=2', owner.key);
    expect(ids(page1.body)).toEqual([plain.body.id, cups.body.id]);
    expect(page1.body.prevCursor).toBeNull();
    const page2 = await api(t.url, 'GET', `/v1/images?sort=taken&limit=2&after=${String(page1.body.nextCursor)}`, owner.key);
    expect(ids(page2.body)).toEqual([first.body.id, starfish.body.id]);
    expect(page2.body.nextCursor).toBeNull();
    const back = await api(t.url, 'GET', `/v1/images?sort=taken&limit=2&before=${String(page2.body.prevCursor)}`, owner.key);
    expect(ids(back.body)).toEqual([plain.body.id, cups.body.id]);
    // A cursor is bound to its sort.
    expect((await api(t.url, 'GET', `/v1/images?limit=2&after=${String(page1.body.nextCursor)}`, owner.key)).status).toBe(400);
    expect((await api(t.url, 'GET', '/v1/images?sort=random', owner.key)).status).toBe(400);
  });
});
