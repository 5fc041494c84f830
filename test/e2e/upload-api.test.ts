import { createHash, randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authHeaders } from '../helpers/auth.js';
import { jpegVariant as variantOf } from '../helpers/jpeg-variant.js';
import { corpusPath } from '../helpers/corpus.js';
import { getBytes, uploadBytes, uploadFile } from '../helpers/http.js';
import { BACKENDS, startTestService, type TestService } from '../helpers/service.js';
import { AnalyticsQueries } from '../../services/analytics/analytics-queries.js';
import { redisKeys, shardOf } from '../../services/redis/keys.js';
import { xlenAll } from '../helpers/shards.js';

describe.each(BACKENDS)('with %s storage', (backend) => {
  const LIMIT = 1024 * 1024;
  let t: TestService;
  let jpeg: Buffer;

  beforeAll(async () => {
    t = await startTestService({ IMGSVC_MAX_UPLOAD_BYTES: String(LIMIT), IMGSVC_PUBLIC_BASE_URL: 'https://img.example.com/' }, backend);
    jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  });
  afterAll(async () => {
    await t.stop();
  });

  async function tmpFiles(): Promise<string[]> {
    return readdir(join(t.dataDir, 'tmp'));
  }

  describe('POST /v1/images', () => {
    it('creates once, then answers 200 with the same record for the same bytes', async () => {
      const bytes = variantOf(jpeg, 'dedup');
      const first = await uploadBytes(t.url, bytes, 'image/jpeg');
      const second = await uploadBytes(t.url, bytes, 'image/jpeg');
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(first.body.url).toBe(`https://img.example.com/i/${first.body.id}`);
      expect(first.headers.get('location')).toBe(`/v1/images/${first.body.id}`);
    });

    it('gives concurrent uploads of the same bytes one image and one job', async () => {
      const bytes = variantOf(jpeg, 'race');
      const jobsBefore = await xlenAll(t.redis.client, redisKeys.resizeStream);
      const replies = await Promise.all(Array.from({ length: 8 }, () => uploadBytes(t.url, bytes, 'image/jpeg')));
      const ids = new Set(replies.map((r) => r.body.id));
      expect(ids.size).toBe(1);
      expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
      expect(replies.filter((r) => r.status === 200)).toHaveLength(7);
      expect(await xlenAll(t.redis.client, redisKeys.resizeStream)).toBe(jobsBefore + 1);
      const manifests = (await t.service.store.list('manifests/')).keys;
      expect(manifests.filter((m) => m === `manifests/${[...ids][0]}.json`)).toHaveLength(1);
    });

    it('enqueues a resize job naming the image before answering', async () => {
      const reply = await uploadBytes(t.url, variantOf(jpeg, 'job'), 'image/jpeg');
      const entries = await t.redis.client.xrevrange(redisKeys.resizeStream(shardOf(reply.body.id as string)), '+', '-', 'COUNT', 1);
      expect(entries[0]?.[1]).toEqual(['image', reply.body.id, 'sha256', reply.body.sha256]);
    });

    it('accepts multipart/form-data with the image in a part named file', async () => {
      const form = new FormData();
      form.append('note', 'ignored');
      form.append('file', new Blob([variantOf(jpeg, 'multipart')]), 'tower.jpg');
      const res = await fetch(`${t.url}/v1/images`, { method: 'POST', body: form, headers: authHeaders(t.url) });
      expect(res.status).toBe(201);
      expect(await res.json()).toMatchObject({ format: 'jpeg', width: 512, height: 512 });
    });

    it('refuses multipart bodies without a file part', async () => {
      const form = new FormData();
      form.append('image', new Blob([jpeg]), 'x.jpg');
      const res = await fetch(`${t.url}/v1/images`, { method: 'POST', body: form, headers: authHeaders(t.url) });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'missing_file' } });
      expect(await tmpFiles()).toEqual([]);
    });

    it('refuses other content types with 415 and says what it takes', async () => {
      const res = await fetch(`${t.url}/v1/images`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json', ...authHeaders(t.url) } });
      expect(res.status).toBe(415);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/image\/\*.*multipart/);
    });

    it('refuses bytes that are not an image, whatever the Content-Type says', async () => {
      const reply = await uploadBytes(t.url, Buffer.from('GIF? no, just text pretending'), 'image/gif');
      expect(reply.status).toBe(415);
    });

    it('refuses an empty body with 400', async () => {
      const reply = await uploadBytes(t.url, Buffer.alloc(0), 'image/jpeg');
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ error: { code: 'empty_body' } });
    });

    it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
      const reply = await uploadBytes(t.url, randomBytes(LIMIT + 1), 'image/jpeg');
      expect(reply.status).toBe(413);
      expect(reply.body).toMatchObject({ error: { code: 'payload_too_large', details: { limitBytes: LIMIT } } });
    });

    it('stops a chunked body as soon as it crosses the limit, and keeps nothing', async () => {
      const result = await new Promise<{ status: number; sent: number; body: string }>((resolve, reject) => {
        const req = request(`${t.url}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg', ...authHeaders(t.url) } });
        let sent = 0;
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, sent, body }));
        });
        req.on('error', (err) => (answered ? undefined : reject(err)));
        const chunk = randomBytes(64 * 1024);
        const pump = () => {
          // Keep sending up to 16x the limit; a server that read it all would never answer early.
          while (!answered && sent < LIMIT * 16) {
            sent += chunk.length;
            if (!req.write(chunk)) {
              req.once('drain', pump);
              return;
            }
          }
          if (!answered) req.end();
        };
        pump();
      });
      expect(result.status).toBe(413);
      expect(JSON.parse(result.body)).toMatchObject({ error: { code: 'payload_too_large' } });
      expect(result.sent).toBeLessThan(LIMIT * 16);
      await new Promise((r) => setTimeout(r, 100));
      expect(await tmpFiles()).toEqual([]);
    });

    it('removes the temporary file when the client disconnects mid-upload', async () => {
      await new Promise<void>((resolve) => {
        const req = request(`${t.url}/v1/images`, { method: 'POST', headers: { 'content-type': 'image/jpeg', 'content-length': String(500_000), ...authHeaders(t.url) } });
        req.on('error', () => resolve());
        req.write(jpeg.subarray(0, 30_000), () => {
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 50);
        });
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(await tmpFiles()).toEqual([]);
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });
  });

  describe('lookups', () => {
    it('answers HEAD /v1/images/sha256/<hex> with 200 and the id when the bytes are known, 404 when not', async () => {
      const bytes = variantOf(jpeg, 'head');
      const sha = createHash('sha256').update(bytes).digest('hex');
      const before = await fetch(`${t.url}/v1/images/sha256/${sha}`, { method: 'HEAD', headers: authHeaders(t.url) });
      expect(before.status).toBe(404);
      const up = await uploadBytes(t.url, bytes, 'image/jpeg');
      const after = await fetch(`${t.url}/v1/images/sha256/${sha}`, { method: 'HEAD', headers: authHeaders(t.url) });
      expect(after.status).toBe(200);
      expect(after.headers.get('location')).toBe(`/v1/images/${up.body.id}`);
      const bad = await fetch(`${t.url}/v1/images/sha256/not-hex`, { method: 'HEAD', headers: authHeaders(t.url) });
      expect(bad.status).toBe(400);
    });

    it('answers unknown ids with 404 and malformed ids with 400, as JSON', async () => {
      const unknown = await fetch(`${t.url}/v1/images/01ARZ3NDEKTSV4RRFFQ69G5FAV`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ error: { code: 'image_not_found' } });
      for (const path of ['/v1/images/nope', '/i/nope', '/i/..%2F..%2Fetc%2Fpasswd', '/v1/images/nope/original']) {
        const res = await fetch(`${t.url}${path}`);
        expect(res.status, path).toBe(400);
        expect(await res.json()).toMatchObject({ error: { code: 'invalid_id' } });
      }
      expect((await fetch(`${t.url}/i/01ARZ3NDEKTSV4RRFFQ69G5FAV`)).status).toBe(404);
      const route = await fetch(`${t.url}/no/such/route`);
      expect(route.status).toBe(404);
      expect(await route.json()).toMatchObject({ error: { code: 'not_found' } });
    });
  });

  describe('serving and counting', () => {
    it('serves /i/<id> with validators, answers If-None-Match with 304 and HEAD without a body', async () => {
      const up = await uploadFile(t.url, 'orientation/orientation_8.jpg');
      const url = `${t.url}/i/${up.body.id}`;
      const first = await getBytes(url);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag')!;
      const again = await getBytes(url, { 'if-none-match': etag });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
      const head = await fetch(url, { method: 'HEAD', headers: authHeaders(t.url) });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(first.headers.get('content-length'));
      expect((await head.arrayBuffer()).byteLength).toBe(0);
    });

    it('serves byte ranges of the original download', async () => {
      const up = await uploadBytes(t.url, variantOf(jpeg, 'range'), 'image/jpeg');
      const original = variantOf(jpeg, 'range');
      const url = `${t.url}/v1/images/${up.body.id}/original`;
      const part = await getBytes(url, { range: 'bytes=100-199' });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 100-199/${original.length}`);
      expect(part.body.equals(original.subarray(100, 200))).toBe(true);
      const tail = await getBytes(url, { range: 'bytes=-10' });
      expect(tail.body.equals(original.subarray(original.length - 10))).toBe(true);
      const outside = await getBytes(url, { range: `bytes=${original.length + 10}-` });
      expect(outside.status).toBe(416);
      const whole = await getBytes(url);
      expect(whole.headers.get('content-disposition')).toBe(`attachment; filename="${up.body.id}.jpg"`);
      expect(whole.body.equals(original)).toBe(true);
    });

    it('counts every image request and its bytes in Redis without waiting on it', async () => {
      const up = await uploadBytes(t.url, variantOf(jpeg, 'count'), 'image/jpeg');
      const id = up.body.id as string;
      let bytes = 0;
      for (let i = 0; i < 5; i++) bytes += (await getBytes(`${t.url}/i/${id}`)).body.length;
      bytes += (await getBytes(`${t.url}/v1/images/${id}/original`)).body.length;
      // The server records after the last byte is sent, which the client may see first.
      await vi.waitFor(async () => {
        await t.service.recorder.flush();
        const stats = await new AnalyticsQueries(t.redis.client).imageStats(id, {});
        expect({ requests: stats.allTime.requests, bytes: stats.allTime.bytes }).toEqual({ requests: 6, bytes });
      });
    });

    it('exports request, duration, bytes and upload metrics at /metrics', async () => {
      const text = await (await fetch(`${t.url}/metrics`)).text();
      expect(text).toMatch(/imgsvc_http_requests_total\{route="\/v1\/images",method="POST",status="201"\} \d+/);
      expect(text).toMatch(/imgsvc_http_request_duration_seconds_bucket\{route="\/i\/:id",method="GET",tier="(memory|storage|transform)",le="[\d.]+"\} \d+/);
      expect(text).toMatch(/imgsvc_served_bytes_total\{route="\/i\/:id",format="jpeg",device_class="desktop"\} \d+/);
      expect(text).toMatch(/imgsvc_uploads_total\{outcome="created",reason="none"\} \d+/);
      expect(text).toMatch(/imgsvc_uploads_total\{outcome="rejected",reason="payload_too_large"\} \d+/);
      expect(text).toMatch(/imgsvc_uploads_total\{outcome="rejected",reason="empty_body"\} \d+/);
    });

    it('reports health and readiness, and echoes a request id', async () => {
      const health = await fetch(`${t.url}/healthz`, { headers: { 'x-request-id': 'trace-123' } });
      expect(health.status).toBe(200);
      expect(health.headers.get('x-request-id')).toBe('trace-123');
      const ready = await fetch(`${t.url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { redis: { ok: true }, storage: { ok: true } } });
    });
  });
});
