import { describe, expect, it } from 'vitest';
import { EventConsumer } from './event-consumer.js';

type Connection = ConstructorParameters<typeof EventConsumer>[0];

describe('EventConsumer.run', () => {
  it('returns at once on abort, even while a read is never answered', async () => {
    // A reader whose reads never come back: what a connection closed under a Cluster read looked like.
    const reader = { xreadgroup: () => new Promise(() => undefined) } as unknown as Connection;
    const redis = { xgroup: async () => 'OK' } as unknown as Connection;
    const consumer = new EventConsumer(redis, reader, { group: 'g', consumer: 'c' });
    const controller = new AbortController();
    const running = consumer.run(async () => undefined, controller.signal, () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    const outcome = await Promise.race([running.then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still running'), 1_000))]);
    expect(outcome).toBe('stopped');
  });
});
