import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Issue 21, item 9: bidi overrides and invisible characters are refused or stripped, per field. */
let t: TestService;
let alice: TestUser;
let jpeg: Buffer;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
  alice = await createUser(t.url, t.adminKey, 'alice');
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
});
afterAll(async () => {
  await t?.stop();
});


describe('hidden characters', () => {
  it('strips them from an uploaded file name, so the RTLO spoof never reaches Content-Disposition', async () => {
    const form = new FormData();
    form.append('file', new Blob([jpegVariant(jpeg, 'rtlo')]), 'invoice\u202Egpj.exe');
    const res = await fetch(`${t.url}/v1/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${alice.key}` } });
    const made = (await res.json()) as { id: string; originalFilename: string };
    expect(res.status).toBe(201);
    expect(made.originalFilename).toBe('invoicegpj.exe');
    const original = await fetch(`${t.url}/v1/images/${made.id}/original`, { headers: { authorization: `Bearer ${alice.key}` } });
    await original.arrayBuffer();
    const disposition = original.headers.get('content-disposition') ?? '';
    expect(disposition).not.toContain('%E2%80%AE');
    expect(disposition).toContain('invoicegpj.exe');
  });

  it('refuses them in titles, tags, album titles and display names, saying which character', async () => {
    const up = await fetch(`${t.url}/v1/images?title=plain`, { method: 'POST', body: jpegVariant(jpeg, 'hidden'), headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' } });
    const id = ((await up.json()) as { id: string }).id;
    const title = await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { title: 'Holiday \u202Egnp.exe' });
    expect(title.status).toBe(400);
    expect(JSON.stringify(title.body)).toContain('U+202E');
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { tags: ['beach\u200B'] })).status).toBe(400);
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { tags: ['beach\u200F'] })).status).toBe(400);
    expect((await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { description: 'x\u2067y' })).status).toBe(400);
    expect((await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'Al\u200Bbum' })).status).toBe(400);
    const name = await api(t.url, 'PATCH', '/v1/me', alice.key, { displayName: 'Alice\u202E' });
    expect(name.status).toBe(400);
    const upload = await fetch(`${t.url}/v1/images?tags=${encodeURIComponent('a\u2060b')}`, { method: 'POST', body: jpegVariant(jpeg, 'hidden-tag'), headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' } });
    expect(upload.status).toBe(400);
    await upload.arrayBuffer();
  });

  it('keeps the joiners real text needs: emoji sequences and Persian spelling', async () => {
    const up = await fetch(`${t.url}/v1/images`, { method: 'POST', body: jpegVariant(jpeg, 'joiners'), headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' } });
    const id = ((await up.json()) as { id: string }).id;
    const edit = await api(t.url, 'PATCH', `/v1/images/${id}`, alice.key, { title: '👨\u200D👩\u200D👧 می\u200Cخواهم', tags: ['❤\uFE0F'] });
    expect(edit.status).toBe(200);
    expect(edit.body.title).toBe('👨\u200D👩\u200D👧 می\u200Cخواهم');
    expect((await api(t.url, 'PATCH', '/v1/me', alice.key, { displayName: 'Ali\u200Cce' })).status).toBe(200);
  });
});
