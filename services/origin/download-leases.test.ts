import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { DownloadLeases } from './download-leases.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('full-resolution download leases', () => {
  it('refuses a second stream while the first is held, with a Retry-After', async () => {
    const leases = new DownloadLeases(redis.client, 1);
    const first = await leases.acquire('u:held');
    await expect(leases.acquire('u:held')).rejects.toMatchObject({ status: 429 });
    first.release();
  });

  it('waits out a release that is on its way (the client read the last byte before the server saw the close)', async () => {
    const leases = new DownloadLeases(redis.client, 1);
    const first = await leases.acquire('u:sequential');
    setTimeout(() => first.release(), 120);
    const second = await leases.acquire('u:sequential');
    second.release();
  });

  it('keeps holders apart', async () => {
    const leases = new DownloadLeases(redis.client, 1);
    const a = await leases.acquire('a:10.0.0.1');
    const b = await leases.acquire('a:10.0.0.2');
    a.release();
    b.release();
  });
});
