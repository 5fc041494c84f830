import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { createLogger } from '../core/logger.js';
import { createTelemetry } from '../telemetry/telemetry.js';
import { analyticsKeys } from './analytics-keys.js';
import { AnalyticsQueries } from './analytics-queries.js';
import { analyticsGroup, RequestRecorder, type ServedEvent } from './request-recorder.js';
import { ViewerHasher } from './viewer-hash.js';

let r: TestRedis;
const logger = createLogger('silent');
const T0 = Date.UTC(2026, 10, 22, 9, 59, 0); // 09:59 UTC: the next minute is another hour

beforeAll(async () => {
  r = await startTestRedis();
});
afterAll(async () => {
  await r.stop();
});
beforeEach(async () => {
  await r.client.flushall();
});

function recorderAt(clock: { now: number }, retentionDays = 30) {
  return new RequestRecorder(r.client, logger, createTelemetry({ role: 'test' }).meter, {
    now: () => clock.now,
    retentionDays,
    hasher: ViewerHasher.withSecret(Buffer.alloc(32, 7)),
  });
}

const event = (over: Partial<ServedEvent>): ServedEvent => ({
  imageId: 'A',
  bytes: 1000,
  saved: 9000,
  format: 'avif',
  deviceClass: 'phone',
  variant: 'w640-q65',
  tier: 'memory',
  address: '203.0.113.7',
  userAgent: 'ua',
  ...over,
});

describe('RequestRecorder and AnalyticsQueries against a real Redis', () => {
  it('counts a known sequence exactly, across an hour boundary, with breakdowns, top lists and TTLs', async () => {
    const clock = { now: T0 };
    const recorder = recorderAt(clock);
    recorder.record(event({}));
    recorder.record(event({ format: 'webp', deviceClass: 'desktop', tier: 'storage', bytes: 2000, saved: 8000 }));
    recorder.record(event({ imageId: 'B', bytes: 500, saved: 0, tier: 'transform' }));
    clock.now = T0 + 60_000; // 10:00
    recorder.record(event({ bytes: 0, saved: 0 })); // a 304
    recorder.record(event({ imageId: 'B', bytes: 500, saved: 0 }));
    await recorder.flush();

    expect(await r.client.hgetall(analyticsKeys.image('A'))).toEqual({
      requests: '3', bytes: '3000', saved: '17000', 'fmt:avif': '2', 'fmt:webp': '1', 'dev:phone': '2', 'dev:desktop': '1', 'var:w640-q65': '3',
    });
    expect(await r.client.hgetall(analyticsKeys.imageHour('A', '2026112209'))).toEqual({ requests: '2', bytes: '3000', saved: '17000' });
    expect(await r.client.hgetall(analyticsKeys.imageHour('A', '2026112210'))).toEqual({ requests: '1' });
    expect(await r.client.zrevrange(analyticsKeys.top('2026112209', 'requests'), 0, -1, 'WITHSCORES')).toEqual(['A', '2', 'B', '1']);
    expect(await r.client.zrevrange(analyticsKeys.top('2026112210', 'bytes'), 0, -1, 'WITHSCORES')).toEqual(['B', '500']);
    const fleet = await r.client.hgetall(analyticsKeys.fleet);
    expect(fleet).toMatchObject({ requests: '5', bytes: '4000', saved: '17000', 'tier:memory': '3', 'tier:storage': '1', 'tier:transform': '1' });
    for (const key of [analyticsKeys.imageHour('A', '2026112209'), analyticsKeys.top('2026112210', 'requests'), analyticsKeys.fleetHour('2026112210'), analyticsKeys.imageViewers('A', '20261122')]) {
      const ttl = await r.client.ttl(key);
      expect(ttl, key).toBeGreaterThan(30 * 86_400 - 60);
      expect(ttl, key).toBeLessThanOrEqual(30 * 86_400);
    }
    expect(await r.client.ttl(analyticsKeys.image('A'))).toBe(-1); // all-time totals do not expire

    const queries = new AnalyticsQueries(r.client, () => clock.now);
    const stats = await queries.imageStats('A', { from: new Date(T0 - 3_600_000).toISOString(), granularity: 'hour' });
    expect(stats.series.map((s) => [s.t, s.requests, s.bytes])).toEqual([
      ['2026-11-22T08:00:00.000Z', 0, 0],
      ['2026-11-22T09:00:00.000Z', 2, 3000],
      ['2026-11-22T10:00:00.000Z', 1, 0],
    ]);
    expect(stats.range).toEqual({ requests: 3, bytes: 3000, savedBytes: 17000, distinctViewers: 1 });
    const daily = await queries.imageStats('A', { granularity: 'day' });
    expect(daily.series.map((s) => [s.t, s.requests])).toEqual([['2026-11-21T00:00:00.000Z', 0], ['2026-11-22T00:00:00.000Z', 3]]);
    expect((await queries.top({ window: '1h' })).images).toEqual([{ id: 'B', value: 1 }, { id: 'A', value: 1 }]);
    expect((await queries.top({ window: '24h', by: 'bytes', limit: '1' })).images).toEqual([{ id: 'A', value: 3000 }]);
    expect(await queries.summary()).toMatchObject({ requests: 5, bytes: 4000, savedBytes: 17000, hitRatio: 0.8, byFormat: { avif: 4, webp: 1 } });
  });

  it('estimates distinct viewers within HyperLogLog error, never storing an address', async () => {
    const clock = { now: T0 };
    const recorder = recorderAt(clock);
    for (let i = 0; i < 5000; i++) recorder.record(event({ address: `10.0.${i >> 8}.${i & 255}` }));
    for (let i = 0; i < 1000; i++) recorder.record(event({ address: '10.0.0.1' })); // repeats
    await recorder.flush();
    const count = await r.client.pfcount(analyticsKeys.imageViewers('A', '20261122'));
    expect(Math.abs(count - 5000) / 5000).toBeLessThan(0.03);
    const dump = JSON.stringify(await r.client.keys('*')) + JSON.stringify(await r.client.hgetall(analyticsKeys.image('A')));
    expect(dump).not.toContain('10.0.');
  });

  it('writes the same whether the serving path hands its group key or not, and bounds the events held', async () => {
    const clock = { now: T0 };
    const sequence = (withGroup: boolean) => {
      const recorder = new RequestRecorder(r.client, logger, createTelemetry({ role: 'test' }).meter, { now: () => clock.now, maxPendingEvents: 5, hasher: ViewerHasher.withSecret(Buffer.alloc(32, 7)) });
      const group = analyticsGroup('A', 'avif', 'phone', 'w640-q65');
      for (let i = 0; i < 4; i++) recorder.record(event(withGroup ? { group, address: `203.0.113.${i % 2}` } : { address: `203.0.113.${i % 2}` }));
      recorder.record(event({ format: 'webp', ...(withGroup ? { group: analyticsGroup('A', 'webp', 'phone', 'w640-q65') } : {}) }));
      recorder.record(event({})); // the sixth: over the bound, dropped and counted
      return recorder.flush();
    };
    const snapshot = async () => ({
      image: await r.client.hgetall(analyticsKeys.image('A')),
      viewers: await r.client.pfcount(analyticsKeys.imageViewers('A', '20261122')),
      top: await r.client.zrange(analyticsKeys.top('2026112209', 'requests'), 0, -1, 'WITHSCORES'),
    });
    await sequence(false);
    const plain = await snapshot();
    await r.client.flushall();
    await sequence(true);
    expect(await snapshot()).toEqual(plain);
    expect(plain.image).toMatchObject({ requests: '5', 'fmt:avif': '4', 'fmt:webp': '1' });
    expect(plain.viewers).toBe(3); // two addresses with 'ua', and 203.0.113.7
  });

  it('salts viewer ids per day, so days cannot be linked', () => {
    const hasher = ViewerHasher.withSecret(Buffer.alloc(32, 1));
    expect(hasher.hash('198.51.100.1', 'ua', T0)).toBe(hasher.hash('198.51.100.1', 'ua', T0 + 60_000));
    expect(hasher.hash('198.51.100.1', 'ua', T0)).not.toBe(hasher.hash('198.51.100.1', 'ua', T0 + 86_400_000));
    expect(hasher.hash('198.51.100.1', 'ua', T0)).not.toBe(hasher.hash('198.51.100.2', 'ua', T0));
  });

  it('refuses malformed analytics queries with 400s naming the parameter', async () => {
    const queries = new AnalyticsQueries(r.client);
    await expect(queries.imageStats('A', { granularity: 'minute' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/granularity/) });
    await expect(queries.imageStats('A', { from: 'yesterday' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/for from/) });
    await expect(queries.imageStats('A', { from: '2026-01-01T00:00:00Z', to: '2026-12-01T00:00:00Z' })).rejects.toMatchObject({ status: 400 });
    await expect(queries.top({ window: '2d' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/window/) });
    await expect(queries.top({ limit: '0' })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/limit/) });
  });
});
