import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../test/helpers/redis.js';
import { createLogger } from '../../core/logger.js';
import { FsObjectStore } from '../../storage/fs-store.js';
import { webhookKey } from '../../storage/keys.js';
import { DeliveryStore } from './delivery-store.js';
import type { WebhookEndpoint } from './endpoint.js';
import { EndpointStore } from './endpoint-store.js';
import { migrateLegacyWebhooks } from './legacy-webhooks.js';

/** An installation on the one-slot `{webhooks}` layout moves to the sharded one, losing nothing. */
let r: TestRedis;
let dir: string;
let store: FsObjectStore;
beforeAll(async () => {
  r = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-legacy-hooks-'));
  store = await FsObjectStore.open(dir);
}, 30_000);
afterAll(async () => {
  await r?.stop();
  await rm(dir, { recursive: true, force: true });
});

const endpoint = (id: string, ownerId: string, scope: 'all' | 'owner'): WebhookEndpoint => ({
  id, ownerId, scope, url: 'https://hooks.example.com/x', events: null, description: null, enabled: true, disabledReason: null, disabledAt: null,
  createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z', secrets: [{ sealed: 'x', createdAt: '2026-01-01T00:00:00.000Z' }],
});

describe('migrateLegacyWebhooks', () => {
  it('moves endpoints, pending and finished deliveries with their listings and due times, then removes the old keys', async () => {
    const L = 'imgsvc:{webhooks}:';
    const userHook = endpoint('01JF000000000000000000USER', 'alice', 'owner');
    const adminHook = endpoint('01JF00000000000000000ADMIN', 'root', 'all');
    for (const e of [userHook, adminHook]) {
      await store.put(webhookKey(e.id), Buffer.from(JSON.stringify(e)));
      await r.client.set(`${L}endpoint:${e.id}`, JSON.stringify(e));
      await r.client.zadd(`${L}endpoints`, 0, e.id);
      await r.client.zadd(`${L}owner:${e.ownerId}`, 0, e.id);
    }
    await r.client.zadd(`${L}all-scope`, 0, adminHook.id);
    const delivery = (id: string, endpointId: string, status: string, extra: Record<string, string> = {}) => ({
      id, endpointId, eventId: '1700000000000-0', eventType: 'image.updated', body: '{"x":1}', status, attempts: '2', windowStart: '1700000000000',
      nextAt: '', lastAttemptAt: '1700000000500', lastStatus: '500', lastError: 'HTTP 500', doneAt: '', ...extra,
    });
    const due = Date.now() + 60_000;
    await r.client.hset(`${L}delivery:01JF0000000000000000000D01`, delivery('01JF0000000000000000000D01', userHook.id, 'failed', { nextAt: String(due) }));
    await r.client.zadd(`${L}due`, due, '01JF0000000000000000000D01');
    await r.client.hset(`${L}delivery:01JF0000000000000000000D02`, delivery('01JF0000000000000000000D02', userHook.id, 'delivered', { lastStatus: '200', lastError: '', doneAt: '1700000001000' }));
    await r.client.pexpire(`${L}delivery:01JF0000000000000000000D02`, 3_600_000);
    await r.client.hset(`${L}delivery:01JF0000000000000000000D03`, delivery('01JF0000000000000000000D03', adminHook.id, 'pending', { nextAt: String(due - 1000) }));
    await r.client.zadd(`${L}due`, due - 1000, '01JF0000000000000000000D03');
    await r.client.zadd(`${L}deliveries:${userHook.id}`, 0, '01JF0000000000000000000D01', 0, '01JF0000000000000000000D02');
    await r.client.zadd(`${L}deliveries:${userHook.id}:failed`, 0, '01JF0000000000000000000D01');
    await r.client.zadd(`${L}deliveries:${userHook.id}:delivered`, 0, '01JF0000000000000000000D02');
    await r.client.zadd(`${L}deliveries:${adminHook.id}`, 0, '01JF0000000000000000000D03');
    await r.client.zadd(`${L}deliveries:${adminHook.id}:pending`, 0, '01JF0000000000000000000D03');

    const moved = await migrateLegacyWebhooks({ redis: r.client, store, shards: 8, logger: createLogger('silent') });
    expect(moved).toEqual({ endpoints: 2, deliveries: 3 });
    expect(await r.client.keys(`${L}*`)).toEqual([]);

    const endpoints = new EndpointStore(r.client, store, 8);
    expect((await endpoints.get(userHook.id))?.ownerId).toBe('alice');
    expect((await endpoints.allScope()).map((e) => e.id)).toEqual([adminHook.id]);
    const deliveries = new DeliveryStore(r.client, 8);
    const page = await deliveries.page('alice', userHook.id, undefined, 10, undefined);
    expect(page.items.map((d) => [d.id, d.status, d.attempts, d.ownerId])).toEqual([
      ['01JF0000000000000000000D02', 'delivered', 2, 'alice'],
      ['01JF0000000000000000000D01', 'failed', 2, 'alice'],
    ]);
    expect((await deliveries.page('alice', userHook.id, 'failed', 10, undefined)).items).toHaveLength(1);
    // Still due, at its time; the owners are in the round-robin's hints.
    expect(await deliveries.readyOwners(due)).toEqual(expect.arrayContaining(['alice', 'root']));
    expect(await deliveries.readyOwners(due - 2000)).toEqual([]);
    expect(await deliveries.claim('root', due, 1000, 5)).toEqual(['01JF0000000000000000000D03']);
    // Idempotent: nothing left to move.
    expect(await migrateLegacyWebhooks({ redis: r.client, store, shards: 8, logger: createLogger('silent') })).toBeUndefined();
  });
});
