import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../../test/helpers/redis.js';
import { deliveryId } from './delivery-id.js';
import { DeliveryStore } from './delivery-store.js';

/**
 * Deliveries of events appended in one millisecond list in the order the events were appended
 * (newest first): the delivery id is a total order, not one broken by a digest.
 */
let r: TestRedis;
beforeAll(async () => {
  r = await startTestRedis();
}, 30_000);
afterAll(async () => r?.stop());

describe('delivery order within one millisecond', () => {
  it('ids sort by (event ms, stream sequence), whatever the endpoint', () => {
    const ms = 1_733_000_000_123;
    for (const endpoint of ['01JF0000000000000000000001', '01JF0000000000000000000002', '01JFZZZZZZZZZZZZZZZZZZZZZZ']) {
      const ids = Array.from({ length: 40 }, (_, seq) => deliveryId(`${ms}-${seq}`, endpoint));
      expect([...ids].sort()).toEqual(ids);
      expect(deliveryId(`${ms - 1}-99999`, endpoint) < ids[0]!).toBe(true);
      expect(deliveryId(`${ms + 1}-0`, endpoint) > ids[39]!).toBe(true);
    }
  });

  it('the same event gives the same id; two events with one entry id (two shards) do not', () => {
    const e = '01JF0000000000000000000001';
    expect(deliveryId('1733000000000-3', e, '{"a":1}')).toBe(deliveryId('1733000000000-3', e, '{"a":1}'));
    expect(deliveryId('1733000000000-3', e, '{"a":1}')).not.toBe(deliveryId('1733000000000-3', e, '{"a":2}'));
    expect(deliveryId('1733000000000-3', e)).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it('pages deliveries of same-millisecond events newest first', async () => {
    const store = new DeliveryStore(r.client, 4);
    const endpointId = '01JF00000000000000000000EP';
    const ms = 1_733_000_000_456;
    const eventIds = Array.from({ length: 12 }, (_, seq) => `${ms}-${seq}`);
    for (const eventId of eventIds) {
      await store.schedule({ id: deliveryId(eventId, endpointId), ownerId: 'owner-1', endpointId, eventId, eventType: 'image.updated', body: '{}', windowStart: Date.now() });
    }
    const seen: string[] = [];
    let cursor: { dir: 'after'; id: string } | undefined;
    for (let page = 0; page < 10; page++) {
      const p = await store.page('owner-1', endpointId, undefined, 5, cursor);
      seen.push(...p.items.map((d) => d.eventId));
      if (!p.nextAfter) break;
      cursor = { dir: 'after', id: p.nextAfter };
    }
    expect(seen).toEqual([...eventIds].reverse());
  });
});
