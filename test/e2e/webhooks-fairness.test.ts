import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEventNow } from '../../services/events/event-log.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { eventually } from '../helpers/eventually.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { startReceiver } from '../helpers/webhook-receiver.js';

/**
 * One tenant cannot starve the rest (issue 21.5): one owner's 50 tarpit endpoints (receivers
 * that accept the request and never answer, holding the connection until the attempt times
 * out) and another owner's fast endpoint. The fast owner's delivery latency stays small.
 * Real HTTP receivers, a real service and Redis; figures printed (indicative on a loaded machine).
 */
const TARPITS = 50;
const TIMEOUT_MS = 4000;
let t: TestService;
let rx: Awaited<ReturnType<typeof startReceiver>>;
let mallory: TestUser;
let fran: TestUser;

beforeAll(async () => {
  rx = await startReceiver();
  t = await startTestService({
    IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'loopback',
    IMGSVC_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    IMGSVC_WEBHOOK_RETRY_BASE_MS: '100',
    IMGSVC_WEBHOOK_RETRY_MAX_MS: '500',
    IMGSVC_WEBHOOK_POLL_MS: '50',
  });
  mallory = await createUser(t.url, t.adminKey, 'fair-mallory');
  fran = await createUser(t.url, t.adminKey, 'fair-fran');
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await rx?.stop();
});

describe('webhook delivery is fair across owners', () => {
  it('50 tarpit endpoints of one owner do not delay another owner’s deliveries', async () => {
    for (let i = 0; i < TARPITS; i++) {
      rx.on(`/tarpit/${i}`, () => 'hang');
      expect((await api(t.url, 'POST', '/v1/webhooks', mallory.key, { url: `${rx.url}/tarpit/${i}` })).status).toBe(201);
    }
    expect((await api(t.url, 'POST', '/v1/webhooks', fran.key, { url: `${rx.url}/fast` })).status).toBe(201);
    // Two events for the tarpit owner: 100 deliveries, each holding a connection for the timeout.
    for (let i = 0; i < 2; i++) await appendEventNow(t.service.redis, { type: 'image.updated', ownerId: mallory.id, imageId: '01JF0000000000000000000000', actorId: mallory.id, data: { i } });
    await eventually(() => expect(rx.received.filter((r) => r.path.startsWith('/tarpit/')).length).toBeGreaterThanOrEqual(4));
    const latencies: number[] = [];
    for (let i = 0; i < 8; i++) {
      const sent = Date.now();
      await appendEventNow(t.service.redis, { type: 'image.updated', ownerId: fran.id, imageId: '01JF0000000000000000000001', actorId: fran.id, data: { i } });
      await eventually(() => expect(rx.received.filter((r) => r.path === '/fast')).toHaveLength(i + 1), 60_000, 10);
      latencies.push(rx.received.filter((r) => r.path === '/fast')[i]!.at - sent);
      await new Promise((r) => setTimeout(r, 250));
    }
    const tarpitted = rx.received.filter((r) => r.path.startsWith('/tarpit/')).length;
    const sorted = [...latencies].sort((a, b) => a - b);
    process.stdout.write(`webhook fairness: fast owner's latency ms ${latencies.join(', ')} (median ${sorted[4]}, max ${sorted[7]}); tarpit attempts meanwhile ${tarpitted}; tarpit timeout ${TIMEOUT_MS} ms\n`);
    // Fair: never a tarpit's timeout; unfair (one queue for everyone) waits for waves of them.
    expect(Math.max(...latencies)).toBeLessThan(TIMEOUT_MS / 2);
  }, 120_000);
});
