import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/accounts.js';
import { statusOf } from '../helpers/http.js';
import { startSecondPod } from '../helpers/second-pod.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Limits live in Redis, so two pods spend one budget. */
const LIMITS = { IMGSVC_RATE_LIMIT_PER_KEY: '12/1m', IMGSVC_RATE_LIMIT_AUTH_FAILURES: '4/1m' };
let t: TestService;
let second: { url: string; stop: () => Promise<void> } | undefined;
let b: string;
let dave: TestUser;
let erin: TestUser;

beforeAll(async () => {
  t = await startTestService(LIMITS);
  second = await startSecondPod(t, 'origin', LIMITS);
  b = second.url;
  dave = await createUser(t.url, t.adminKey, 'dave');
  erin = await createUser(t.url, t.adminKey, 'erin');
}, 60_000);

afterAll(async () => {
  await second?.stop();
  await t?.stop();
});

describe('rate limits hold across pods', () => {
  it('spends one budget per key on both pods, with the RateLimit headers and Retry-After', async () => {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 14; i++) {
      // The second pod serves the JSON API for images too (origin role).
      const base = i % 2 === 0 ? t.url : b;
      last = await fetch(`${base}/v1/me/viewers`, { headers: { authorization: `Bearer ${dave.key}` } });
      statuses.push(last.status);
      if (last.status !== 429) expect(last.headers.get('ratelimit-limit')).toBe('12');
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(12);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.headers.get('ratelimit-remaining')).toBe('0');
    expect(((await last!.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
  });

  it('blocks an address after a few failed authentications, even for a good key', async () => {
    const bad = `imgsvc_0123456789abcdef_${'A'.repeat(43)}`;
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push(await statusOf(`${i % 2 ? b : t.url}/v1/me`, bad));
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(await statusOf(`${t.url}/v1/me`, bad)).toBe(429);
    expect(await statusOf(`${b}/v1/me`, erin.key)).toBe(429);
  });
});
