import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { reindexCapturing } from '../helpers/reindex.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Issue 21, item 8: a comment whose object was stored but whose index write failed must not
 * appear later beside the one the client's retry posts. The index failure is real: Redis's ACL
 * refuses ZADD for the moment of the post (reads go on, so the image is found).
 */
let t: TestService;
let alice: TestUser;
let image: string;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_COMMENT_RATE: 'off' });
  alice = await createUser(t.url, t.adminKey, 'alice');
  const jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  const up = await uploadBytes(t.url, jpegVariant(jpeg, 'comment-retries'), 'image/jpeg', alice.key);
  image = String(up.body.id);
  await waitForStatus(t.url, image, ['ready'], 60_000);
}, 90_000);
afterAll(async () => {
  await t?.stop();
});

async function post(body: string, key?: string): Promise<{ status: number; id?: string; code?: string }> {
  const res = await fetch(`${t.url}/v1/images/${image}/comments`, {
    method: 'POST',
    body: JSON.stringify({ body }),
    headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
  });
  const json = (await res.json()) as { id?: string; error?: { code: string } };
  return { status: res.status, ...(json.id ? { id: json.id } : {}), ...(json.error ? { code: json.error.code } : {}) };
}

async function thread(): Promise<string[]> {
  const page = await api(t.url, 'GET', `/v1/images/${image}/comments?limit=100`, alice.key);
  return (page.body.items as { body: string }[]).map((c) => c.body);
}

async function withIndexFailing<T>(fn: () => Promise<T>): Promise<T> {
  await t.redis.client.call('ACL', 'SETUSER', 'default', '-zadd');
  try {
    return await fn();
  } finally {
    await t.redis.client.call('ACL', 'SETUSER', 'default', '+zadd');
  }
}

describe('a comment whose index write failed', () => {
  it('without a key: answered 503 and removed again, so a retry posts it once, even after reindex', async () => {
    const failed = await withIndexFailing(() => post('once, no key'));
    expect(failed).toMatchObject({ status: 503, code: 'index_unavailable' });
    expect((await post('once, no key')).status).toBe(201);
    expect((await reindexCapturing(t.env)).code).toBe(0);
    expect((await thread()).filter((b) => b === 'once, no key')).toHaveLength(1);
  });

  it('with an Idempotency-Key: every retry answers the one comment the key names', async () => {
    const failed = await withIndexFailing(() => post('once, keyed', 'retry-1'));
    expect(failed.status).toBe(503);
    const retried = await post('once, keyed', 'retry-1');
    expect(retried.status).toBe(201);
    const again = await post('once, keyed', 'retry-1');
    expect(again).toMatchObject({ status: 200, id: retried.id });
    expect(await post('something else', 'retry-1')).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
    expect((await reindexCapturing(t.env)).code).toBe(0);
    expect((await thread()).filter((b) => b === 'once, keyed')).toHaveLength(1);
  });
});
