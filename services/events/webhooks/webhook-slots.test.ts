import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newImageId } from '../../core/ids.js';
import { keySlot } from '../../core/shards.js';
import { directoryShard, ownerShard, webhookKeys, webhookSteps } from './webhook-keys.js';

/**
 * Every atomic step of webhook bookkeeping (script or MULTI) touches one Redis Cluster slot,
 * over many random owners, endpoints and deliveries; and the bookkeeping of different owners
 * spreads over many slots (it no longer sits in one `{webhooks}` slot).
 */
const STATUSES = ['pending', 'failed', 'delivered', 'dead'];
const randomOwner = () => newImageId(Date.now() - Math.floor(Math.random() * 1e9));

describe('webhook key slots', () => {
  it('each step is one slot, for 2,000 random owners, endpoints and deliveries', () => {
    for (let i = 0; i < 2000; i++) {
      const owner = i % 3 === 0 ? randomBytes(6).toString('hex') : randomOwner();
      const endpoint = newImageId();
      const delivery = newImageId();
      const from = STATUSES[i % 4]!;
      const to = STATUSES[(i + 1) % 4]!;
      const steps: [string, string[]][] = [
        ['indexEndpoint', webhookSteps.indexEndpoint(owner, endpoint)],
        ['removeEndpoint', webhookSteps.removeEndpoint(owner, endpoint)],
        ['readEndpoints', webhookSteps.readEndpoints(owner, [endpoint, newImageId(), newImageId()])],
        ['schedule', webhookSteps.schedule(owner, delivery, endpoint)],
        ['claim', webhookSteps.claim(owner)],
        ['record', webhookSteps.record(owner, delivery, endpoint, from, to)],
        ['retry', webhookSteps.retry(owner, delivery, endpoint)],
        ['drop', webhookSteps.drop(owner, delivery, endpoint, from)],
      ];
      for (const [name, keys] of steps) {
        const slots = new Set(keys.map(keySlot));
        expect({ name, owner, slots: slots.size }).toEqual({ name, owner, slots: 1 });
      }
    }
  });

  it('spreads owners, the directory and the ready-owner hints over many slots', () => {
    const owners = Array.from({ length: 500 }, randomOwner);
    const dueSlots = new Set(owners.map((o) => keySlot(webhookKeys.due(o))));
    expect(dueSlots.size).toBeGreaterThan(450);
    const shards = 16;
    const endpoints = Array.from({ length: 500 }, () => newImageId());
    expect(new Set(endpoints.map((e) => keySlot(webhookKeys.directory(directoryShard(e, shards))))).size).toBe(shards);
    expect(new Set(owners.map((o) => keySlot(webhookKeys.readyOwners(ownerShard(o, shards))))).size).toBe(shards);
  });
});
