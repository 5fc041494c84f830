import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { eventFields, eventShard, eventStreamKey } from './event-log.js';
import { EventReader } from './event-reader.js';
import { publicEventId } from './event-id.js';
import { everyType } from './every-event.fixture.js';
import type { NewEvent } from './event-types.js';

/**
 * A real stream holding entries in the legacy form (written before the compact one) and the
 * compact form side by side, as it does for the retention after an upgrade: GET /v1/events'
 * reader gives every event exactly as it was written. And what the compact form saves, on a
 * real redis-server (a measure with a loose bound, not a timing).
 */
describe('legacy and compact event entries in one stream', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('reads both forms, interleaved, as the events written', async () => {
    const written: { id: string; event: NewEvent }[] = [];
    for (const [i, [, event]] of everyType.entries()) {
      for (const legacy of [i % 2 === 0, i % 2 !== 0]) {
        const streamId = (await redis.client.xadd(eventStreamKey(event), '*', ...eventFields(event, legacy)))!;
        written.push({ id: publicEventId(streamId, eventShard(event)), event });
      }
    }
    const page = await new EventReader(redis.client).read({ limit: 1000 }, undefined);
    const byId = new Map(page.events.map((e) => [e.id, e]));
    expect(page.events).toHaveLength(written.length);
    for (const { id, event } of written) {
      const got = byId.get(id)!;
      expect(got).toEqual({ id, occurredAt: new Date(Number(id.split('-')[0])).toISOString(), version: event.version ?? 1, ...event });
      expect(JSON.stringify(got.data)).toBe(JSON.stringify(event.data));
    }
  });

  it('costs the upload\'s two entries at least 100 B less in the compact form', async () => {
    const ulid = (n: number, c: string) => `01JEXAMPLE${c}${String(n).padStart(15, '0')}`;
    const perImage = async (key: string, legacy: boolean) => {
      for (let n = 0; n < 400; n++) {
        const about = { ownerId: ulid(n % 7, 'U'), imageId: ulid(n, 'I') };
        const created: NewEvent = { type: 'image.created', ...about, actorId: about.ownerId, data: { revision: 1, visibility: 'private', format: 'jpeg', width: 4032, height: 3024, bytes: 3421987 + n } };
        const ready: NewEvent = { type: 'image.ready', ...about, data: { revision: 2, variants: { count: 4, formats: ['avif', 'jpeg', 'webp'], widths: [50, 320, 1280, 2560] } } };
        await redis.client.xadd(key, '*', ...eventFields(created, legacy));
        await redis.client.xadd(key, '*', ...eventFields(ready, legacy));
      }
      return Number(await redis.client.memory('USAGE', key, 'SAMPLES', 0)) / 400;
    };
    const legacy = await perImage('legacy-form', true);
    const compact = await perImage('compact-form', false);
    expect(compact).toBeLessThan(legacy - 100);
  });
});
