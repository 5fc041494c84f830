import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { analyticsKeys } from '../analytics/analytics-keys.js';
import { redisKeys } from './keys.js';
import { legacyKeys, LEGACY_PATTERNS } from './legacy-keys.js';

/** Every key a builder table can produce, each function called with sample arguments. */
function sampleKeys(table: Record<string, unknown>): string[] {
  const args = ['01JAAAAAAAAAAAAAAAAAAAAAAA', '01JBBBBBBBBBBBBBBBBBBBBBBB', 'requests', 'x'];
  const keys: string[] = [];
  for (const [name, value] of Object.entries(table)) {
    if (typeof value === 'string') keys.push(value);
    else if (typeof value === 'function') {
      const fn = value as (...a: unknown[]) => unknown;
      const key = name.toLowerCase().includes('shard') ? fn(3, ...args) : fn(...args);
      if (typeof key === 'string') keys.push(key);
    }
  }
  return keys;
}

// The patterns are Redis globs, so they are matched by a real Redis, as the upgrade's SCAN does.
describe('the old layout\'s key patterns, matched by Redis', () => {
  let redis: TestRedis;
  const current = [...sampleKeys(redisKeys), ...sampleKeys(analyticsKeys), analyticsKeys.imageHour('01JAAAAAAAAAAAAAAAAAAAAAAA', '2026120717'), analyticsKeys.imageViewers('01JAAAAAAAAAAAAAAAAAAAAAAA', '20261207')];
  const old = sampleKeys(legacyKeys);

  beforeAll(async () => {
    redis = await startTestRedis();
    for (const key of [...current, ...old]) await redis.client.set(key, '1');
  });
  afterAll(async () => {
    await redis.stop();
  });

  async function matched(): Promise<Set<string>> {
    const hits = new Set<string>();
    for (const pattern of LEGACY_PATTERNS) for (const key of await redis.client.keys(pattern)) hits.add(key);
    return hits;
  }

  it('match no key of today\'s layout, analytics included: an upgrade keeps what was counted since', async () => {
    const hits = await matched();
    expect(current.filter((k) => hits.has(k))).toEqual([]);
    expect(current.length).toBeGreaterThan(30);
  });

  it('match every old key the new layout does not reuse, analytics in their old untagged shapes included', async () => {
    const hits = await matched();
    const shared = new Set(current);
    expect(old.filter((k) => !hits.has(k) && !shared.has(k))).toEqual([]);
    for (const key of ['imgsvc:stats:img:01JAAAAAAAAAAAAAAAAAAAAAAA', 'imgsvc:stats:img:01JAAAAAAAAAAAAAAAAAAAAAAA:h:2026120717', 'imgsvc:hll:img:01JAAAAAAAAAAAAAAAAAAAAAAA:d:20261207']) {
      await redis.client.set(key, '1');
      expect((await matched()).has(key), key).toBe(true);
    }
  });
});
