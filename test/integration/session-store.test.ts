import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionStore } from '../../services/accounts/session-store.js';
import { sessionKeys } from '../../services/accounts/session-keys.js';
import { keySlot } from '../../services/core/shards.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';

const USER = '01JF0000000000000000000001';
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('SessionStore on a real Redis', () => {
  it('ends a session after the idle period, and each use restarts that clock', async () => {
    const store = new SessionStore(redis.client, { idleMs: 1_200, maxAgeMs: 60_000 });
    const { cookieValue } = await store.create(USER);
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 600));
      expect(await store.resolve(cookieValue)).toBeDefined();
    }
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await store.resolve(cookieValue)).toBeUndefined();
  });

  it('ends a session at its absolute end however busy it is', async () => {
    const store = new SessionStore(redis.client, { idleMs: 60_000, maxAgeMs: 60_000 });
    const made = Date.now();
    const { cookieValue, session } = await store.create(USER, made);
    expect(session.expiresAt).toBe(made + 60_000);
    expect(await store.resolve(cookieValue, made + 59_000)).toBeDefined();
    expect(await store.resolve(cookieValue, made + 60_001)).toBeUndefined();
    // The idle renewal never reaches past the absolute end.
    await store.resolve(cookieValue, made + 59_000);
    expect(await redis.client.pttl(sessionKeys.session(USER, session.sidHash))).toBeLessThanOrEqual(1_000);
  });

  it('keeps only a hash of the secret, and refuses look-alike cookies', async () => {
    const store = new SessionStore(redis.client, { idleMs: 60_000, maxAgeMs: 60_000 });
    const { cookieValue } = await store.create(USER);
    const secret = cookieValue.split('.')[1]!;
    for (const key of await redis.client.keys('*')) expect(key).not.toContain(secret);
    expect(JSON.stringify(await redis.client.hgetall((await redis.client.keys('*:session:*'))[0]!))).not.toContain(secret);
    for (const bad of ['', 'x', `${USER}.${'A'.repeat(43)}`, `${USER}.${secret}x`, `01JF0000000000000000000002.${secret}`, `${USER}.${secret.slice(0, -1)}B`]) {
      expect(await store.resolve(bad)).toBeUndefined();
    }
  });

  it('signs out everywhere, and keeps every key of a user in one slot', async () => {
    const store = new SessionStore(redis.client, { idleMs: 60_000, maxAgeMs: 60_000 });
    const a = await store.create(USER);
    const b = await store.create(USER);
    const other = await store.create('01JF0000000000000000000003');
    expect(await store.destroyAll(USER)).toBeGreaterThanOrEqual(2);
    expect(await store.resolve(a.cookieValue)).toBeUndefined();
    expect(await store.resolve(b.cookieValue)).toBeUndefined();
    expect(await store.resolve(other.cookieValue)).toBeDefined();
    const slots = new Set([sessionKeys.session(USER, a.session.sidHash), sessionKeys.sessions(USER), sessionKeys.passwordLinkLock(USER), sessionKeys.openUploads(USER)].map(keySlot));
    expect(slots.size).toBe(1);
  });
});
