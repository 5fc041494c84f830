import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiPath } from '../../services/http/openapi/build-document.js';
import { API_OPERATIONS, apiDocument } from '../../services/runtime/api-operations.js';
import { readFile } from 'node:fs/promises';
import { checkResponse } from '../helpers/openapi-responses.js';
import { corpusPath } from '../helpers/corpus.js';
import { startTestService, type TestService } from '../helpers/service.js';

let t: TestService;

beforeAll(async () => {
  t = await startTestService();
});

afterAll(async () => {
  await t?.stop();
});

describe('the OpenAPI description', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(apiDocument() as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route the service serves, and no route it does not', () => {
    const described = API_OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort();
    // The routes read from Express's router, plus the raw /i/ handler's (see start-service.ts).
    expect(described).toEqual(t.service.routes);
  });

  it('fills the upload form with values the upload accepts (Swagger\'s "Try it out" used to send the word "string")', async () => {
    const doc = (await (await fetch(`${t.url}/openapi.json`)).json()) as {
      paths: Record<string, { post?: { requestBody: { content: Record<string, { schema: { properties: Record<string, { example?: string }> } }> } } }>;
    };
    const fields = doc.paths['/v1/images']!.post!.requestBody.content['multipart/form-data']!.schema.properties;
    const form = new FormData();
    for (const [name, schema] of Object.entries(fields)) {
      if (name === 'file') continue;
      // What Swagger UI puts in each field: the example, else a sample of the type.
      form.append(name, schema.example ?? 'string');
    }
    form.append('file', new Blob([await readFile(corpusPath('photos/tower_progressive.jpg'))], { type: 'image/jpeg' }), 'tower.jpg');
    const res = await fetch(`${t.url}/v1/images`, { method: 'POST', headers: { authorization: `Bearer ${t.adminKey}` }, body: form });
    expect(res.status, await res.clone().text()).toBe(201);
    const body = (await res.json()) as { title?: string; tags?: string[] };
    expect(body.title).toBe('Sunset over the bay');
    expect(body.tags).toEqual(['sunset', 'bay']);
  });

  it('is served at /openapi.json, the same document', async () => {
    const res = await fetch(`${t.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc).toEqual(apiDocument());
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(Object.keys(doc.paths)).toContain(openApiPath('/v1/images/:id'));
  });

  it('has a page at /docs whose every asset comes from this server', async () => {
    const res = await fetch(`${t.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    expect(html).not.toMatch(/https?:\/\//);
    const types: Record<string, RegExp> = { css: /^text\/css/, js: /^text\/javascript/, png: /^image\/png/ };
    for (const ref of refs) {
      const url = new URL(ref, `${t.url}/docs`);
      expect(url.origin).toBe(new URL(t.url).origin);
      const asset = await fetch(url);
      expect(asset.status, ref).toBe(200);
      expect(asset.headers.get('content-type'), ref).toMatch(types[ref.split('.').pop()!]!);
      expect((await asset.arrayBuffer()).byteLength, ref).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${t.url}/docs/init.js`)).text();
    expect(init).toContain("url: 'openapi.json'");
    expect(init).toContain('validatorUrl: null');
    expect((await fetch(`${t.url}/docs/package.json`)).status).toBe(404);
  });

  it('makes the e2e helpers fail on what it does not describe', () => {
    const base = 'http://127.0.0.1:1';
    expect(() => checkResponse('GET', `${base}/healthz`, 200, 'application/json', { status: 'ok', role: 'all' })).not.toThrow();
    expect(() => checkResponse('GET', `${base}/healthz`, 200, 'application/json', { status: 'fine' })).toThrow(/does not match/);
    expect(() => checkResponse('GET', `${base}/healthz`, 418, 'application/json', {})).toThrow(/not described/);
    expect(() => checkResponse('GET', `${base}/v1/nowhere`, 200, 'application/json', {})).toThrow(/no operation/);
    expect(() => checkResponse('GET', `${base}/v1/images/01ARZ3NDEKTSV4RRFFQ69G5FAV`, 404, 'application/json', { error: { status: 404, code: 'image_not_found', message: 'no' } })).not.toThrow();
    expect(() => checkResponse('GET', `${base}/v1/images/01ARZ3NDEKTSV4RRFFQ69G5FAV`, 404, 'application/json', { message: 'no' })).toThrow(/does not match/);
  });
});
