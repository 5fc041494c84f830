import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { createLogger } from '../core/logger.js';
import { InvalidationBus } from './invalidation-bus.js';

let r: TestRedis;
beforeAll(async () => {
  r = await startTestRedis();
});
afterAll(async () => {
  await r.stop();
});

describe('InvalidationBus', () => {
  it('delivers to every subscriber, and flushes everything when its subscription was cut', async () => {
    const logger = createLogger('silent');
    const a = new InvalidationBus(new Redis(r.url), logger);
    const bRedis = new Redis(r.url);
    const b = new InvalidationBus(bRedis, logger);
    const heard: string[] = [];
    let flushes = 0;
    b.on('image', (id) => heard.push(id));
    b.onFlush(() => flushes++);
    await a.start();
    await b.start();
    await a.publish('image', 'X1');
    await vi.waitFor(() => expect(heard).toEqual(['X1']), { timeout: 2000, interval: 10 });

    // Cut the subscriber's connection as a network blip or a Redis restart would.
    await r.client.client('KILL', 'TYPE', 'pubsub');
    await vi.waitFor(() => expect(flushes).toBeGreaterThanOrEqual(1), { timeout: 5000, interval: 20 });
    // Re-subscribed: later messages arrive again.
    await vi.waitFor(async () => {
      await a.publish('image', 'X2');
      expect(heard).toContain('X2');
    }, { timeout: 5000, interval: 100 });
    await a.stop();
    await b.stop();
  });
});
