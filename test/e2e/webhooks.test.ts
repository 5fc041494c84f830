import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../services/redis/free-port.js';
import { newImageIdInShard } from '../../services/core/shards.js';
import { appendEventNow, eventFields, eventStreamKey } from '../../services/events/event-log.js';
import { shardCount } from '../../services/redis/keys.js';
import type { NewEvent } from '../../services/events/event-types.js';
import { restoreWebhooks } from '../../services/events/webhooks/restore-webhooks.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startReceiver, verifyStandardWebhook, type Received } from '../helpers/webhook-receiver.js';

/** Webhooks end to end: a real service and Redis, a real HTTP receiver on loopback. */
let t: TestService;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let alice: TestUser;
let bob: TestUser;

const FAST = {
  IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'loopback',
  IMGSVC_WEBHOOK_RETRY_BASE_MS: '50',
  IMGSVC_WEBHOOK_RETRY_MAX_MS: '200',
  IMGSVC_WEBHOOK_RETRY_WINDOW_MS: '1500',
  IMGSVC_WEBHOOK_TIMEOUT_MS: '500',
  IMGSVC_WEBHOOK_POLL_MS: '50',
};

beforeAll(async () => {
  rx = await startReceiver();
  t = await startTestService(FAST);
  alice = await createUser(t.url, t.adminKey, 'hook-alice');
  bob = await createUser(t.url, t.adminKey, 'hook-bob');
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await rx?.stop();
});

async function register(key: string, path: string, extra: Record<string, unknown> = {}) {
  const made = await api(t.url, 'POST', '/v1/webhooks', key, { url: `${rx.url}${path}`, ...extra });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return { id: String(made.body.id), secret: String(made.body.secret) };
}

const event = (ownerId: string, type: NewEvent['type'] = 'image.updated', imageId = '01JF0000000000000000000000'): NewEvent => ({ type, ownerId, imageId, actorId: ownerId, data: { n: Math.random() } });
const at = (path: string) => rx.received.filter((r) => r.path === path);
const bodyOf = (r: Received) => JSON.parse(r.body) as { id: string; type: string; ownerId: string };

describe('webhooks', () => {
  it('delivers a signed event that an independent Standard Webhooks verifier accepts', async () => {
    const hook = await register(t.adminKey, '/signed');
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(hook.secret.slice(6), 'base64').length).toBe(32);
    const id = await appendEventNow(t.service.redis, event(alice.id));
    const got = await eventually(() => {
      const r = at('/signed').find((x) => bodyOf(x).id === id);
      if (!r) throw new Error('not yet');
      return r;
    });
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['webhook-id']).toBe(id);
    expect(Math.abs(Number(got.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
    expect(String(got.headers['webhook-signature'])).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(verifyStandardWebhook(hook.secret, got.headers, got.body)).toEqual({ ok: true, matched: 1 });
    // Altered bytes, another secret or a stale timestamp do not verify.
    expect(verifyStandardWebhook(hook.secret, got.headers, got.body.replace('"n"', '"m"')).ok).toBe(false);
    expect(verifyStandardWebhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, got.headers, got.body).ok).toBe(false);
    expect(verifyStandardWebhook(hook.secret, { ...got.headers, 'webhook-timestamp': String(Math.floor(Date.now() / 1000) - 3600) }, got.body).ok).toBe(false);
    expect(bodyOf(got)).toMatchObject({ id, type: 'image.updated', ownerId: alice.id, version: 1 });
    // The secret is shown once: not in reads or listings.
    const read = await api(t.url, 'GET', `/v1/webhooks/${hook.id}`, t.adminKey);
    expect(JSON.stringify(read.body)).not.toContain('whsec_');
    expect(JSON.stringify(read.body)).not.toContain('sealed');
    const listing = await api(t.url, 'GET', '/v1/webhooks', t.adminKey);
    expect(JSON.stringify(listing.body)).not.toContain('whsec_');
  });

  it("sends a user's endpoint only the events about their things, of the types asked for", async () => {
    await register(alice.key, '/alice', { events: ['image.deleted'] });
    const mineDeleted = await appendEventNow(t.service.redis, event(alice.id, 'image.deleted'));
    await appendEventNow(t.service.redis, event(alice.id, 'image.updated'));
    await appendEventNow(t.service.redis, event(bob.id, 'image.deleted'));
    const marker = await appendEventNow(t.service.redis, event(alice.id, 'image.deleted'));
    await eventually(() => expect(at('/alice').map((r) => bodyOf(r).id)).toContain(marker));
    expect(at('/alice').map((r) => bodyOf(r).id).sort()).toEqual([mineDeleted, marker].sort());
    // Listings: alice sees her own endpoint; bob sees none; the admin sees every endpoint.
    const own = await api(t.url, 'GET', '/v1/webhooks', alice.key);
    expect((own.body.items as { scope: string }[]).map((e) => e.scope)).toEqual(['owner']);
    expect((await api(t.url, 'GET', '/v1/webhooks', bob.key)).body.items).toEqual([]);
    expect(((await api(t.url, 'GET', '/v1/webhooks', t.adminKey)).body.items as unknown[]).length).toBeGreaterThanOrEqual(2);
  });

  it('hides another user’s endpoint (404, same as an unknown id)', async () => {
    const hook = await register(alice.key, '/private');
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/rotate-secret'], ['GET', '/deliveries']] as const) {
      const theirs = await api(t.url, method, `/v1/webhooks/${hook.id}${path}`, bob.key, method === 'PATCH' ? {} : undefined);
      const unknown = await api(t.url, method, `/v1/webhooks/01JF0000000000000000000000${path}`, bob.key, method === 'PATCH' ? {} : undefined);
      expect(theirs.status).toBe(404);
      expect(JSON.stringify(theirs.body).replace(hook.id, 'ID')).toBe(JSON.stringify(unknown.body).replace('01JF0000000000000000000000', 'ID'));
    }
    expect((await api(t.url, 'GET', `/v1/webhooks/${hook.id}`, t.adminKey)).status).toBe(200);
  });

  it('signs with both secrets during a rotation, each verifying', async () => {
    const hook = await register(alice.key, '/rotated');
    const rotated = await api(t.url, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, alice.key);
    expect(rotated.status).toBe(200);
    const fresh = String(rotated.body.secret);
    expect(fresh).not.toBe(hook.secret);
    const overlapEnds = Date.parse(String(rotated.body.previousSecretExpiresAt));
    expect(overlapEnds - Date.now()).toBeGreaterThan(23.9 * 3600_000);
    const id = await appendEventNow(t.service.redis, event(alice.id));
    const got = await eventually(() => at('/rotated').find((r) => bodyOf(r).id === id) ?? Promise.reject(new Error('not yet')));
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(fresh, got.headers, got.body)).toEqual({ ok: true, matched: 1 });
    expect(verifyStandardWebhook(hook.secret, got.headers, got.body)).toEqual({ ok: true, matched: 1 });
  });

  it('retries failures with backoff until a 2xx, with the same webhook-id', async () => {
    rx.on('/flaky', (n) => (n <= 2 ? 500 : 204));
    const hook = await register(alice.key, '/flaky');
    const id = await appendEventNow(t.service.redis, event(alice.id));
    await eventually(() => expect(at('/flaky')).toHaveLength(3), 10_000);
    expect(new Set(at('/flaky').map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    const list = await eventually(async () => {
      const l = await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=delivered`, alice.key);
      expect(l.body.items).toHaveLength(1);
      return l;
    });
    expect((list.body.items as Record<string, unknown>[])[0]).toMatchObject({ eventId: id, status: 'delivered', attempts: 3, lastStatus: 204 });
  });

  it('disables the endpoint on 410 Gone, visibly', async () => {
    rx.on('/gone', 410);
    const hook = await register(alice.key, '/gone');
    await appendEventNow(t.service.redis, event(alice.id));
    await eventually(async () => {
      const read = await api(t.url, 'GET', `/v1/webhooks/${hook.id}`, alice.key);
      expect(read.body).toMatchObject({ enabled: false, disabledReason: 'gone' });
    });
    await appendEventNow(t.service.redis, event(alice.id));
    await new Promise((r) => setTimeout(r, 500));
    expect(at('/gone')).toHaveLength(1);
    const dead = await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=dead`, alice.key);
    expect((dead.body.items as { lastStatus: number }[]).map((d) => d.lastStatus)).toEqual([410]);
    // Enabling it again is the owner's call.
    const enabled = await api(t.url, 'PATCH', `/v1/webhooks/${hook.id}`, alice.key, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('dead-letters after the retry window, lists it, and delivers it on a manual retry', async () => {
    let up = false;
    rx.on('/down', () => (up ? 200 : 503));
    const hook = await register(alice.key, '/down');
    const id = await appendEventNow(t.service.redis, event(alice.id));
    const dead = await eventually(async () => {
      const l = await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=dead`, alice.key);
      expect(l.body.items).toHaveLength(1);
      return (l.body.items as Record<string, unknown>[])[0]!;
    }, 10_000);
    expect(dead).toMatchObject({ eventId: id, status: 'dead', lastStatus: 503, lastError: 'HTTP 503', nextAttemptAt: null });
    expect(Number(dead.attempts)).toBeGreaterThan(2);
    const tries = at('/down').length;
    const gaps = at('/down').slice(1).map((r, i) => r.at - at('/down')[i]!.at);
    expect(Math.max(...gaps)).toBeLessThan(1500);
    expect((await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=failed`, alice.key)).body.items).toEqual([]);
    // Retrying something that is not dead is refused; an unknown delivery is 404.
    expect((await api(t.url, 'POST', `/v1/webhooks/${hook.id}/deliveries/01JF0000000000000000000000/retry`, alice.key)).status).toBe(404);
    up = true;
    const retried = await api(t.url, 'POST', `/v1/webhooks/${hook.id}/deliveries/${String(dead.id)}/retry`, alice.key);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('pending');
    await eventually(async () => {
      const l = await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=delivered`, alice.key);
      expect((l.body.items as { id: string }[]).map((d) => d.id)).toEqual([dead.id]);
    });
    expect(at('/down')).toHaveLength(tries + 1);
    expect(at('/down').at(-1)!.headers['webhook-id']).toBe(id);
    expect((await api(t.url, 'POST', `/v1/webhooks/${hook.id}/deliveries/${String(dead.id)}/retry`, alice.key)).status).toBe(409);
  });

  it('gives up on an attempt after the timeout and retries it', async () => {
    let hungUpAt = 0;
    rx.on('/slow', (n, res) => {
      if (n > 1) return 200;
      res.on('close', () => (hungUpAt = Date.now()));
      return 'hang';
    });
    const hook = await register(alice.key, '/slow');
    await appendEventNow(t.service.redis, event(alice.id));
    const delivered = await eventually(async () => {
      const l = await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=delivered`, alice.key);
      expect(l.body.items).toHaveLength(1);
      return (l.body.items as Record<string, unknown>[])[0]!;
    });
    expect(delivered.attempts).toBe(2);
    // The service hung up on the silent receiver, then tried again (the receiver never answered the first).
    const slow = at('/slow');
    expect(hungUpAt).toBeGreaterThan(0);
    expect(hungUpAt).toBeLessThanOrEqual(slow[1]!.at);
    expect(slow[1]!.at - slow[0]!.at).toBeGreaterThanOrEqual(200);
  });

  it('gives two events of one stream id in two shards two webhook-ids, and delivers both', async () => {
    // Every shard has its own stream, so two events of one millisecond may share the stream id:
    // the id a receiver de-duplicates by (webhook-id) must still tell them apart.
    await register(alice.key, '/twins');
    const shards = [1, 2];
    const imageIds = shards.map((s) => newImageIdInShard(s, shardCount()));
    let cursor = '';
    for (let more = true; more; ) {
      const page = await api(t.url, 'GET', `/v1/events?limit=1000${cursor ? `&after=${cursor}` : ''}`, alice.key);
      [cursor, more] = [String(page.body.next), page.body.more === true];
    }
    const streamId = `${Date.now() + 1_000}-0`;
    for (const imageId of imageIds) {
      const e = event(alice.id, 'image.updated', imageId);
      await t.service.redis.xadd(eventStreamKey(e), streamId, ...eventFields(e));
    }
    await eventually(() => expect(at('/twins')).toHaveLength(2), 20_000);
    const ids = at('/twins').map((r) => String(r.headers['webhook-id'])).sort();
    expect(ids).toEqual(shards.map((s) => `${streamId}.${s}`));
    expect(at('/twins').map((r) => bodyOf(r).id).sort()).toEqual(ids);
    // The same ids on GET /v1/events, in the order the reader merges shards.
    const listed = ((await api(t.url, 'GET', `/v1/events?after=${cursor}`, alice.key)).body.events as { id: string }[]).map((e) => e.id);
    expect(listed).toEqual(ids);
    // Resuming after the first twin's id still gives the second.
    expect(((await api(t.url, 'GET', `/v1/events?after=${ids[0]}`, alice.key)).body.events as { id: string }[]).map((e) => e.id)).toEqual([ids[1]]);
  });

  it('pages deliveries with cursors, newest first', async () => {
    const hook = await register(alice.key, '/paged');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await appendEventNow(t.service.redis, event(alice.id)));
    await eventually(() => expect(at('/paged')).toHaveLength(5));
    const seen: string[] = [];
    let path = `/v1/webhooks/${hook.id}/deliveries?limit=2`;
    for (let page = 0; page < 5; page++) {
      const l = await api(t.url, 'GET', path, alice.key);
      expect(l.status).toBe(200);
      seen.push(...(l.body.items as { eventId: string }[]).map((d) => d.eventId));
      if (!l.body.nextCursor) break;
      path = `/v1/webhooks/${hook.id}/deliveries?limit=2&after=${encodeURIComponent(String(l.body.nextCursor))}`;
    }
    expect(seen).toEqual([...ids].reverse());
    expect((await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?status=lost`, alice.key)).status).toBe(400);
    expect((await api(t.url, 'GET', `/v1/webhooks/${hook.id}/deliveries?after=forged`, alice.key)).status).toBe(400);
  });

  it('refuses bad registrations with a clear 400, storing nothing', async () => {
    const before = (await api(t.url, 'GET', '/v1/webhooks', t.adminKey)).body.items as unknown[];
    const cases: [unknown, string][] = [
      [{ url: 'ftp://example.com/hook' }, 'invalid_webhook_url'],
      [{ url: 'file:///etc/passwd' }, 'invalid_webhook_url'],
      [{ url: 'not a url' }, 'invalid_webhook_url'],
      [{ url: `http://127.0.0.1/${'a'.repeat(2100)}` }, 'webhook_url_too_long'],
      [{ url: 'http://169.254.169.254/latest/meta-data/' }, 'webhook_address_forbidden'],
      [{ url: 'http://10.0.0.7/hook' }, 'webhook_address_forbidden'],
      [{ url: 'http://[::ffff:169.254.169.254]/hook' }, 'webhook_address_forbidden'],
      [{ url: 'http://[fd00::1]/hook' }, 'webhook_address_forbidden'],
      [{ url: 'http://user:pw@127.0.0.1/hook' }, 'invalid_webhook_url'],
      [{ url: `${rx.url}/x`, events: ['image.exploded'] }, 'invalid_body'],
      [{ url: `${rx.url}/x`, events: [] }, 'invalid_body'],
      [{ url: `${rx.url}/x`, colour: 'red' }, 'invalid_body'],
      [{}, 'invalid_body'],
    ];
    for (const [body, code] of cases) {
      const res = await api(t.url, 'POST', '/v1/webhooks', alice.key, body);
      expect({ body, status: res.status, code: (res.body.error as { code: string })?.code }).toEqual({ body, status: 400, code });
      expect(String((res.body.error as { message: string }).message).length).toBeGreaterThan(10);
    }
    const meta = await api(t.url, 'POST', '/v1/webhooks', alice.key, { url: 'http://169.254.169.254/' });
    expect((meta.body.error as { message: string }).message).toMatch(/169\.254\.169\.254 is a link-local address/);
    const unknownType = await api(t.url, 'POST', '/v1/webhooks', alice.key, { url: `${rx.url}/x`, events: ['image.exploded'] });
    expect((unknownType.body.error as { message: string }).message).toMatch(/events\.0/);
    expect((await api(t.url, 'GET', '/v1/webhooks', t.adminKey)).body.items).toEqual(before);
    // PATCH is held to the same rules.
    const hook = await register(alice.key, '/patched');
    expect((await api(t.url, 'PATCH', `/v1/webhooks/${hook.id}`, alice.key, { url: 'http://10.1.1.1/' })).status).toBe(400);
    expect((await api(t.url, 'PATCH', `/v1/webhooks/${hook.id}`, alice.key, { events: ['nope'] })).status).toBe(400);
  });

  it('counts attempts by outcome in /metrics', async () => {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    for (const outcome of ['delivered', 'failed', 'gone', 'dead']) expect(text).toMatch(new RegExp(`imgsvc_webhook_attempts_total\\{[^}]*outcome="${outcome}"[^}]*\\} [1-9]`));
    expect(text).toMatch(/imgsvc_webhook_deliveries_scheduled(\{[^}]*\})? \d+/);
  });

  it('comes back from storage when Redis loses the endpoints (reindex restore)', async () => {
    const hook = await register(alice.key, '/restored');
    const keys = await t.redis.client.keys('imgsvc:*webhook*');
    await t.redis.client.del(...keys);
    expect((await api(t.url, 'GET', `/v1/webhooks/${hook.id}`, alice.key)).status).toBe(404);
    const restored = await restoreWebhooks({ store: t.service.store, redis: t.service.redis, logger: t.service.logger, shards: t.service.config.redisShards });
    expect(restored.unreadable).toEqual([]);
    expect((await api(t.url, 'GET', `/v1/webhooks/${hook.id}`, alice.key)).status).toBe(200);
    const id = await appendEventNow(t.service.redis, event(alice.id));
    const got = await eventually(() => at('/restored').find((r) => bodyOf(r).id === id) ?? Promise.reject(new Error('not yet')));
    expect(verifyStandardWebhook(hook.secret, got.headers, got.body).ok).toBe(true);
  });
});

describe('the CDN purge example (examples/webhook-cdn-purge.mjs)', () => {
  it('verifies the signature and purges the image URLs on image.deleted and image.visibility_changed', async () => {
    rx.on('/purge', 200);
    const port = await findFreePort();
    const script = fileURLToPath(new URL('../../examples/webhook-cdn-purge.mjs', import.meta.url));
    const hookUrl = `http://127.0.0.1:${port}/`;
    const made = await api(t.url, 'POST', '/v1/webhooks', alice.key, { url: hookUrl, events: ['image.deleted', 'image.visibility_changed'] });
    expect(made.status).toBe(201);
    const child = spawn(process.execPath, [script], {
      env: { PATH: process.env.PATH, PORT: String(port), WEBHOOK_SECRET: String(made.body.secret), PUBLIC_BASE_URL: 'https://img.example.com', CDN_PURGE_URL: `${rx.url}/purge`, CDN_TOKEN: 'cdn-token', PRESETS: 'thumb' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await eventually(async () => expect((await fetch(hookUrl, { method: 'POST', body: '{}' })).status).toBe(401), 10_000, 100);
      await appendEventNow(t.service.redis, event(alice.id, 'image.deleted', '01JFDELETED000000000000000'));
      await appendEventNow(t.service.redis, event(alice.id, 'image.updated', '01JFUPDATED000000000000000'));
      await appendEventNow(t.service.redis, event(alice.id, 'image.visibility_changed', '01JFHIDDEN0000000000000000'));
      await eventually(() => expect(at('/purge')).toHaveLength(2), 10_000);
      expect(at('/purge').map((r) => JSON.parse(r.body) as unknown)).toEqual([
        { files: ['https://img.example.com/i/01JFDELETED000000000000000', 'https://img.example.com/i/01JFDELETED000000000000000/thumb'] },
        { files: ['https://img.example.com/i/01JFHIDDEN0000000000000000', 'https://img.example.com/i/01JFHIDDEN0000000000000000/thumb'] },
      ]);
      expect(at('/purge')[0]!.headers.authorization).toBe('Bearer cdn-token');
    } finally {
      child.kill();
    }
  }, 30_000);
});

describe('webhooks without loopback allowed (the default)', () => {
  it('refuses loopback destinations at registration', async () => {
    const strict = await startTestService();
    try {
      const user = await createUser(strict.url, strict.adminKey, 'strict');
      for (const url of ['http://127.0.0.1:9/hook', 'http://[::1]:9/hook', 'http://localhost:9/hook', 'http://0.0.0.0:9/', 'http://[::ffff:127.0.0.1]/']) {
        const res = await api(strict.url, 'POST', '/v1/webhooks', user.key, { url });
        expect({ url, status: res.status, code: (res.body.error as { code: string }).code }).toEqual({ url, status: 400, code: 'webhook_address_forbidden' });
      }
      const res = await api(strict.url, 'POST', '/v1/webhooks', user.key, { url: 'http://localhost:9/hook' });
      expect((res.body.error as { message: string }).message).toMatch(/localhost \((127\.0\.0\.1|::1)\) is a loopback address.*IMGSVC_WEBHOOK_ALLOW_PRIVATE/);
    } finally {
      await strict.stop();
    }
    // A service of its own: in the cluster lane that is a fresh six-node Redis Cluster, slow to start under load.
  }, 180_000);
});
