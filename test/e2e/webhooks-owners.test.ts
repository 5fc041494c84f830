import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEventNow } from '../../services/events/event-log.js';
import type { ImgsvcEvent, NewEvent } from '../../services/events/event-types.js';
import { api, createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

/**
 * Webhooks follow their owner (issue 21.4): a disabled user's endpoints, and a disabled admin's
 * all-events endpoint, stop receiving at once; a payload carries no more than the owner's own
 * `GET /v1/events` shows them.
 */
let t: TestService;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let root: TestUser;

beforeAll(async () => {
  rx = await startReceiver();
  t = await startTestService({ IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'loopback', IMGSVC_WEBHOOK_RETRY_BASE_MS: '50', IMGSVC_WEBHOOK_RETRY_MAX_MS: '100', IMGSVC_WEBHOOK_RETRY_WINDOW_MS: '60000', IMGSVC_WEBHOOK_TIMEOUT_MS: '1000', IMGSVC_WEBHOOK_POLL_MS: '50' });
  alice = await createUser(t.url, t.adminKey, 'own-alice');
  bob = await createUser(t.url, t.adminKey, 'own-bob');
  carol = await createUser(t.url, t.adminKey, 'own-carol');
  root = await createUser(t.url, t.adminKey, 'own-root', { role: 'admin' });
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await rx?.stop();
});

async function register(key: string, path: string): Promise<string> {
  const made = await api(t.url, 'POST', '/v1/webhooks', key, { url: `${rx.url}${path}` });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  return String(made.body.id);
}

const at = (path: string) => rx.received.filter((r) => r.path === path);
const updated = (ownerId: string): NewEvent => ({ type: 'image.updated', ownerId, imageId: '01JF0000000000000000000000', actorId: ownerId, data: { n: Math.random() } });
const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('webhooks follow their owner', () => {
  it('a disabled user’s endpoint stops at once: no new delivery, no further retry', async () => {
    await register(bob.key, '/bob');
    await register(carol.key, '/carol-control');
    // Bob's receiver fails, so his first delivery keeps being retried (every 50-100 ms).
    rx.on('/bob', 500);
    await appendEventNow(t.service.redis, updated(bob.id));
    await eventually(() => expect(at('/bob').length).toBeGreaterThanOrEqual(2));
    const disabled = await api(t.url, 'POST', `/v1/users/${bob.id}/disable`, t.adminKey);
    expect(disabled.status).toBe(200);
    // An attempt already on the wire when the answer came may still land; nothing after it.
    await settle(500);
    const seen = at('/bob').length;
    await appendEventNow(t.service.redis, updated(bob.id));
    await appendEventNow(t.service.redis, updated(carol.id));
    await eventually(() => expect(at('/carol-control')).toHaveLength(1));
    await settle(800);
    expect(at('/bob')).toHaveLength(seen);
  });

  it('a disabled admin’s all-events endpoint stops at once', async () => {
    const adminKey = await createKey(t.url, t.adminKey, ['images:read', 'images:write', 'admin'], { userId: root.id });
    await register(adminKey, '/root-all');
    await appendEventNow(t.service.redis, updated(carol.id));
    await eventually(() => expect(at('/root-all')).toHaveLength(1));
    expect((await api(t.url, 'POST', `/v1/users/${root.id}/disable`, t.adminKey)).status).toBe(200);
    await appendEventNow(t.service.redis, updated(carol.id));
    await eventually(() => expect(at('/carol-control')).toHaveLength(3));
    await settle(800);
    expect(at('/root-all')).toHaveLength(1);
  });

  it('a payload shows the receiver what their own /v1/events shows them: no favoriter’s id', async () => {
    await register(alice.key, '/alice');
    const imageId = '01JF00000000000000000000AA';
    const id = await appendEventNow(t.service.redis, { type: 'favorite.added', ownerId: alice.id, imageId, actorId: bob.id, data: { userId: bob.id, favoriteId: '01JF00000000000000000000FV' } });
    await eventually(() => expect(at('/alice')).toHaveLength(1));
    const body = JSON.parse(at('/alice')[0]!.body) as ImgsvcEvent;
    const listed = ((await api(t.url, 'GET', '/v1/events?type=favorite.added&limit=1000', alice.key)).body.events as ImgsvcEvent[]).find((e) => e.id === id);
    expect(listed).toBeDefined();
    expect(body).toEqual(listed);
    expect(JSON.stringify(body)).not.toContain(bob.id);
    expect(JSON.stringify(body)).not.toContain('01JF00000000000000000000FV');
  });
});
