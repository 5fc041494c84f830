import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { corpusPath } from '../../test/helpers/corpus.js';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { DEFAULT_PRESETS, parsePresets, type Preset } from '../core/eager-presets.js';
import { createLogger } from '../core/logger.js';
import { newImageIdInShard } from '../core/shards.js';
import { dedupKey } from '../core/dedup-key.js';
import { dedupShard, shardCount } from '../redis/keys.js';
import { RecordWriter } from '../images/record-writer.js';
import { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { originalKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { createTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import { MemoryBudget } from '../core/memory-budget.js';
import { JobQueue } from './job-queue.js';
import { createResizeMetrics } from './resize-metrics.js';
import { ResizeWorker } from './resize-worker.js';
import { xlenAll } from '../../test/helpers/shards.js';

let r: TestRedis;
let dir: string;
let store: FsObjectStore;
let telemetry: Telemetry;
let scrape: Server;
const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;
const logger = createLogger('silent');

beforeAll(async () => {
  r = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-worker-'));
  store = await FsObjectStore.open(dir);
  telemetry = createTelemetry({ role: 'resizer' });
  scrape = createServer((req, res) => telemetry.handleScrape(req, res)).listen(0);
});
afterAll(async () => {
  scrape.close();
  await telemetry.shutdown();
  await r.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The real filesystem store, with reads of originals slowed down: a slow disk or S3 stall. */
function slowReads(inner: ObjectStore, delayMs: number): ObjectStore {
  return Object.assign(Object.create(inner) as ObjectStore, {
    getBuffer: async (key: string) => {
      await new Promise((res) => setTimeout(res, delayMs));
      return inner.getBuffer(key);
    },
  });
}

/** The real filesystem store, whose first `failures` reads fail: a storage hiccup. */
function flakyReads(inner: ObjectStore, failures: number): ObjectStore {
  let left = failures;
  return Object.assign(Object.create(inner) as ObjectStore, {
    getBuffer: async (key: string) => {
      if (left-- > 0) throw new Error('simulated storage hiccup (ECONNRESET)');
      return inner.getBuffer(key);
    },
  });
}

async function metricsText(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${(scrape.address() as AddressInfo).port}/metrics`)).text();
}

async function seedImage(index: ImageIndex, ownerId = 'test-owner'): Promise<ImageRecord> {
  const bytes = await readFile(corpusPath('photos/tower_progressive.jpg'));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await store.put(originalKey(sha256), bytes);
  const now = new Date().toISOString();
  const record: ImageRecord = {
    id: newImageIdInShard(dedupShard(dedupKey({ ownerId, sha256 })), shardCount()), ownerId, visibility: 'public', sha256, format: 'jpeg', width: 512, height: 512, bytes: bytes.length, orientation: 1,
    hasAlpha: false, frames: 1, status: 'processing', createdAt: now, updatedAt: now, variants: [], meta: { tags: [] }, revision: 0,
  };
  await index.createAndEnqueue(record);
  return record;
}

describe('ResizeWorker', () => {
  it('cancels a job that runs past its time limit, counts it, and dead-letters it once deliveries run out', async () => {
    const index = new ImageIndex(r.client);
    const queue = new JobQueue(r.client);
    const metrics = createResizeMetrics(telemetry.meter, queue);
    const record = await seedImage(index);
    const reader = r.client.duplicate();
    const worker = new ResizeWorker(
      queue,
      reader,
      { queue, index, writer: new RecordWriter(r.client, index, store, undefined), store: slowReads(store, 400), presets, limits: { maxPixels: 1e8, timeoutSeconds: 1 }, budget: new MemoryBudget(2 ** 30), maxDeliveries: 2, logger },
      metrics,
      { concurrency: 1, visibilityTimeoutMs: 300, jobTimeoutSeconds: 0.1, blockMs: 100 },
      logger,
    );
    await worker.start();
    try {
      await vi.waitFor(async () => expect((await index.get(record.id))?.status).toBe('failed'), { timeout: 15_000, interval: 100 });
      const text = await metricsText();
      expect(Number(/imgsvc_resize_jobs_total\{outcome="timeout"\} (\d+)/.exec(text)?.[1])).toBe(2);
      expect(text).toMatch(/imgsvc_resize_jobs_total\{outcome="dead_lettered"\} 1/);
      expect(text).toMatch(/imgsvc_resize_dead_letters \d+/);
      expect(text).toMatch(/imgsvc_resize_queue_lag 0/);
      expect((await index.get(record.id))?.error).toMatch(/gave up after 2 attempts/);
      expect(await xlenAll(r.client, redisKeys.resizeDeadStream)).toBe(1);
    } finally {
      await worker.stop(1_000);
    }
  });

  /** A worker on a store whose first read fails, with the 120 s default visibility timeout, and an image of `ownerId` to make. */
  async function hiccupWorker(ownerId: string, quickRetryMs: number) {
    const index = new ImageIndex(r.client);
    const queue = new JobQueue(r.client);
    const record = await seedImage(index, ownerId);
    const worker = new ResizeWorker(
      queue,
      r.client.duplicate(),
      { queue, index, writer: new RecordWriter(r.client, index, store, undefined), store: flakyReads(store, 1), presets, limits: { maxPixels: 1e8, timeoutSeconds: 30 }, budget: new MemoryBudget(2 ** 30), maxDeliveries: 5, logger },
      createResizeMetrics(telemetry.meter, queue),
      { concurrency: 1, visibilityTimeoutMs: 120_000, jobTimeoutSeconds: 30, blockMs: 100, quickRetryMs },
      logger,
    );
    return { index, record, worker };
  }

  it('retries a delivery that failed on a passing fault after seconds, not after the visibility timeout', async () => {
    const before = await metricsText();
    const count = (text: string, outcome: string) => Number(new RegExp(`imgsvc_resize_jobs_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const { index, record, worker } = await hiccupWorker('hiccup-owner', 200);
    const started = Date.now();
    await worker.start();
    try {
      await vi.waitFor(async () => expect((await index.get(record.id))?.status).toBe('ready'), { timeout: 20_000, interval: 50 });
      expect(Date.now() - started, 'ready long before the 120 s visibility timeout').toBeLessThan(20_000);
      const after = await metricsText();
      expect(count(after, 'failed') - count(before, 'failed')).toBe(1);
      expect(count(after, 'succeeded') - count(before, 'succeeded')).toBe(1);
    } finally {
      await worker.stop(1_000);
    }
  });

  it('stops without waiting out the pause before an in-place retry', async () => {
    const { index, record, worker } = await hiccupWorker('stopping-owner', 30_000);
    await worker.start();
    await vi.waitFor(() => expect(worker.activeJobs).toBe(1), { timeout: 10_000, interval: 20 });
    await new Promise((res) => setTimeout(res, 300));
    const stopping = Date.now();
    await worker.stop(10_000);
    expect(Date.now() - stopping).toBeLessThan(5_000);
    expect((await index.get(record.id))?.status, 'left pending for another resizer').toBe('processing');
  });
});
