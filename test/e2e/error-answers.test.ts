import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Issue 21, item 8: errors that say what happened. */
let t: TestService;
let alice: TestUser;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off' });
  alice = await createUser(t.url, t.adminKey, 'alice');
});
afterAll(async () => {
  await t?.stop();
});

describe('a corrupt Content-Encoding body', () => {
  const good = { gzip: gzipSync(Buffer.from('{"displayName":"Alice"}')), br: brotliCompressSync(Buffer.from('{"displayName":"Alice"}')) };
  for (const encoding of ['gzip', 'br', 'deflate'] as const) {
    it(`is a 400 for ${encoding}, anonymous or not, JSON or upload`, async () => {
      const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.alloc(64, 0x5a)]);
      for (const key of [alice.key, undefined]) {
        for (const [method, path, type] of [['PATCH', '/v1/me', 'application/json'], ['POST', '/v1/albums', 'application/json'], ['POST', '/v1/images', 'image/jpeg']] as const) {
          const res = await fetch(`${t.url}${path}`, { method, body: corrupt, headers: { 'content-type': type, 'content-encoding': encoding, ...(key ? { authorization: `Bearer ${key}` } : {}) } });
          const body = (await res.json()) as { error: { status: number; code: string } };
          // Never a 500: the body is the client's mistake (anonymous callers may meet their 401
          // first). Uploads take no coded bodies at all: 415, before a byte is read.
          const expected = path === '/v1/images' ? (key ? [415] : [401]) : key ? [400] : [400, 401];
          expect([method, path, key !== undefined, expected.includes(res.status)]).toEqual([method, path, key !== undefined, true]);
          if (res.status === 400) expect(body.error.code).toBe('bad_encoding');
          if (res.status === 415) expect(body.error.code).toBe('unsupported_encoding');
        }
      }
      if (encoding !== 'deflate') {
        const ok = await fetch(`${t.url}/v1/me`, { method: 'PATCH', body: good[encoding], headers: { 'content-type': 'application/json', 'content-encoding': encoding, authorization: `Bearer ${alice.key}` } });
        expect(ok.status).toBe(200);
      }
    });
  }
});

describe('an event reader after a Redis wipe', () => {
  it('at an old cursor is told events were lost (410 events_trimmed), not that its id is from the future', async () => {
    expect((await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'before the wipe' })).status).toBe(201);
    const page = await api(t.url, 'GET', '/v1/events?limit=100', alice.key);
    const cursor = String(page.body.next);
    // A stream id, or the sharded keyspace's opaque cursor holding each shard's position.
    expect(cursor).toMatch(/^c2\.[A-Za-z0-9_-]+$/);
    // Every id the reader saw now lies in the past, in a later millisecond than anything the new stream holds.
    await new Promise((r) => setTimeout(r, 5));
    await t.redis.client.flushall();
    const after = await api(t.url, 'GET', `/v1/events?after=${cursor}`, alice.key);
    expect(after.status).toBe(410);
    expect(after.body.error).toMatchObject({ code: 'events_trimmed', details: { reason: 'stream_reset' } });
  });

  it('is told so even when new events were written since the wipe, at a cursor or at an event id', async () => {
    const made = await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'before the second wipe' });
    expect(made.status).toBe(201);
    const page = await api(t.url, 'GET', '/v1/events?limit=1000', alice.key);
    const cursor = String(page.body.next);
    const lastId = (page.body.events as { id: string }[]).at(-1)!.id;
    await new Promise((r) => setTimeout(r, 5));
    await t.redis.client.flushall();
    // New events after the wipe (the album's shard included: an edit of the same album), once
    // writes are let through again (the index is rebuilt from storage meanwhile).
    await eventually(async () => expect((await api(t.url, 'PATCH', `/v1/albums/${String(made.body.id)}`, alice.key, { title: 'after the wipe' })).status).toBe(200), 30_000, 200);
    await eventually(async () => expect((await api(t.url, 'POST', '/v1/albums', alice.key, { title: 'after the wipe' })).status).toBe(201), 30_000, 200);
    // The new events are there, after every position the reader held: without a generation the
    // old cursor would read them as if nothing had been lost.
    expect(((await api(t.url, 'GET', '/v1/events?limit=1000', alice.key)).body.events as unknown[]).length).toBeGreaterThan(0);
    for (const after of [cursor, lastId]) {
      const r = await api(t.url, 'GET', `/v1/events?after=${after}`, alice.key);
      expect([after, r.status]).toEqual([after, 410]);
      expect(r.body.error).toMatchObject({ code: 'events_trimmed', details: { reason: 'stream_reset' } });
    }
    // A fresh read gives a cursor that works.
    const fresh = String((await api(t.url, 'GET', '/v1/events?limit=1000', alice.key)).body.next);
    expect((await api(t.url, 'GET', `/v1/events?after=${fresh}`, alice.key)).status).toBe(200);
  });
});
