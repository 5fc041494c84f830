import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisKeys } from '../../services/redis/keys.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestRedis, type TestRedis } from '../helpers/redis.js';
import { attachReplica, promote } from '../helpers/redis-replica.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** IMGSVC_REDIS_WAIT_REPLICAS against a real primary and replica started here. */
let t: TestService;
let replica: TestRedis;
const TIMEOUT_MS = 400;
beforeAll(async () => {
  t = await startTestService({ IMGSVC_REDIS_WAIT_REPLICAS: '1', IMGSVC_REDIS_WAIT_TIMEOUT_MS: String(TIMEOUT_MS) });
  replica = await startTestRedis();
  await attachReplica(t.redis, replica);
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await replica?.stop();
});

const photo = readFile(corpusPath('photos/tower_progressive.jpg'));
const bytesFor = async (tag: string) => Buffer.concat([await photo, Buffer.from(tag)]);

describe('the upload pivot waits for replica acknowledgements', () => {
  it('answers 201 only once the replica has the record', async () => {
    const ms: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      const up = await uploadBytes(t.url, await bytesFor(`wait-${i}`), 'image/jpeg');
      ms.push(performance.now() - started);
      expect(up.status).toBe(201);
      // No polling: WAIT returned, so the replica applied the pivot before the answer was sent.
      expect(await replica.client.exists(redisKeys.image(up.body.id as string))).toBe(1);
    }
    ms.sort((a, b) => a - b);
    console.log(`upload with IMGSVC_REDIS_WAIT_REPLICAS=1 and a live replica: median ${ms[5]!.toFixed(1)} ms, max ${ms[9]!.toFixed(1)} ms (indicative: loaded machine)`);
  }, 120_000);

  it('still answers 201 when no replica acknowledges, after the timeout (the manifest is the durable copy)', async () => {
    await promote(replica); // the replica stops following: nobody acknowledges
    const started = performance.now();
    const up = await uploadBytes(t.url, await bytesFor('wait-alone'), 'image/jpeg');
    const took = performance.now() - started;
    expect(up.status).toBe(201);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
    expect(await replica.client.exists(redisKeys.image(up.body.id as string))).toBe(0);
    expect(await t.redis.client.exists(redisKeys.image(up.body.id as string))).toBe(1);
  }, 60_000);
});
