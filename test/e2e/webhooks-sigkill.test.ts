import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEventNow } from '../../services/events/event-log.js';
import { findFreePort } from '../../services/redis/free-port.js';
import { api } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { spawnImgsvc, waitForListening, type Spawned } from '../helpers/spawn-imgsvc.js';
import { startReceiver, verifyStandardWebhook } from '../helpers/webhook-receiver.js';

/**
 * The delivery worker survives SIGKILL: the API runs in this process (upload role, no worker),
 * the worker is a real `imgsvc serve --role resizer` child on the same Redis and data folder.
 */
let t: TestService;
let rx: Awaited<ReturnType<typeof startReceiver>>;
const children: Spawned[] = [];

const WORKER_ENV = {
  IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'loopback',
  IMGSVC_WEBHOOK_TIMEOUT_MS: '1000',
  IMGSVC_WEBHOOK_RETRY_BASE_MS: '100',
  IMGSVC_WEBHOOK_RETRY_MAX_MS: '500',
  IMGSVC_WEBHOOK_POLL_MS: '50',
  IMGSVC_RESIZE_CONCURRENCY: '1',
};

beforeAll(async () => {
  rx = await startReceiver();
  t = await startTestService({ IMGSVC_ROLE: 'upload', IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'loopback' });
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL');
  await t?.stop();
  await rx?.stop();
});

async function startWorker(): Promise<Spawned> {
  const port = await findFreePort();
  const s = spawnImgsvc(['serve', '--role', 'resizer', '--port', String(port)], {
    cwd: t.dataDir,
    env: { REDIS_URL: t.redis.url, IMGSVC_DATA_DIR: t.dataDir, ...WORKER_ENV },
  });
  children.push(s);
  await waitForListening(s, 60_000);
  return s;
}

describe('webhook delivery across a SIGKILL', () => {
  it('delivers every event at least once, with the same webhook-id, after the worker is killed mid-delivery and restarted', async () => {
    let answering = false;
    // Until the worker is killed, the receiver takes requests and never answers: they are mid-delivery.
    rx.on('/k', () => (answering ? 200 : 'hang'));
    const made = await api(t.url, 'POST', '/v1/webhooks', t.adminKey, { url: `${rx.url}/k` });
    expect(made.status).toBe(201);
    const secret = String(made.body.secret);

    const first = await startWorker();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await appendEventNow(t.service.redis, { type: 'image.updated', ownerId: 'someone', data: { i } }));
    await eventually(() => expect(rx.received.filter((r) => r.path === '/k').length).toBeGreaterThanOrEqual(3), 20_000);
    const inFlight = new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // Events the killed worker had not scheduled yet are still pending in its consumer group.
    for (let i = 0; i < 3; i++) ids.push(await appendEventNow(t.service.redis, { type: 'image.deleted', ownerId: 'someone', data: { i } }));

    answering = true;
    const killedAt = Date.now();
    await startWorker();
    const answered = () => rx.received.filter((r) => r.path === '/k' && r.at > killedAt);
    await eventually(() => expect(new Set(answered().map((r) => String(r.headers['webhook-id'])))).toEqual(new Set(ids)), 40_000, 200);
    for (const r of answered()) {
      expect(verifyStandardWebhook(secret, r.headers, r.body).ok).toBe(true);
      expect((JSON.parse(r.body) as { id: string }).id).toBe(r.headers['webhook-id']);
    }
    // The deliveries that were mid-flight at the kill were sent again under the same id.
    for (const id of inFlight) expect(answered().some((r) => r.headers['webhook-id'] === id)).toBe(true);
    const deliveries = await api(t.url, 'GET', `/v1/webhooks/${String(made.body.id)}/deliveries?status=delivered&limit=50`, t.adminKey);
    await eventually(async () => {
      const l = await api(t.url, 'GET', `/v1/webhooks/${String(made.body.id)}/deliveries?status=delivered&limit=50`, t.adminKey);
      expect((l.body.items as { eventId: string }[]).map((d) => d.eventId).sort()).toEqual([...ids].sort());
    });
    const duplicates = rx.received.filter((r) => r.path === '/k').length - ids.length;
    process.stdout.write(`webhooks across SIGKILL: ${ids.length} events, ${inFlight.size} in flight at the kill, ${duplicates} extra requests (at least once), redelivered ${Date.now() - killedAt} ms after the kill at most\n`);
    expect(deliveries.status).toBe(200);
  }, 120_000);
});
