import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { corpusPath } from '../../test/helpers/corpus.js';
import { startTestRedis, type TestRedis } from '../../test/helpers/redis.js';
import { DEFAULT_PRESETS, parsePresets, type Preset } from '../core/eager-presets.js';
import { newImageIdInShard } from '../core/shards.js';
import { dedupKey } from '../core/dedup-key.js';
import { dedupShard, shardCount } from '../redis/keys.js';
import { createLogger } from '../core/logger.js';
import { ImageIndex } from '../images/image-index.js';
import { RecordWriter } from '../images/record-writer.js';
import { MemoryBudget } from '../core/memory-budget.js';
import type { ImageRecord } from '../images/image-record.js';
import { redisKeys } from '../redis/keys.js';
import { FsObjectStore } from '../storage/fs-store.js';
import { originalKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';
import { createTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import { JobQueue, RESIZE_GROUP } from './job-queue.js';
import { createResizeMetrics } from './resize-metrics.js';
import { ResizeWorker } from './resize-worker.js';
import { xpendingAll } from '../../test/helpers/shards.js';

let r: TestRedis;
let dir: string;
let store: FsObjectStore;
let telemetry: Telemetry;
const presets = (parsePresets(DEFAULT_PRESETS) as { presets: Preset[] }).presets;
const logger = createLogger('silent');
const workers: ResizeWorker[] = [];

beforeAll(async () => {
  r = await startTestRedis();
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-takeover-'));
  store = await FsObjectStore.open(dir);
  telemetry = createTelemetry({ role: 'resizer' });
});
beforeEach(async () => {
  for (const w of workers.splice(0)) await w.stop(1_000);
  await r.client.flushall();
});
afterAll(async () => {
  for (const w of workers.splice(0)) await w.stop(1_000);
  await telemetry.shutdown();
  await r.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The real store, counting reads of originals (one per job delivery that got to work), optionally slowed down. */
function countingStore(inner: ObjectStore, delayMs = 0): { store: ObjectStore; reads: () => number } {
  let reads = 0;
  const wrapped = Object.assign(Object.create(inner) as ObjectStore, {
    getBuffer: async (key: string) => {
      if (key.startsWith('originals/')) reads++;
      await new Promise((res) => setTimeout(res, delayMs));
      return inner.getBuffer(key);
    },
  });
  return { store: wrapped, reads: () => reads };
}

async function seedImage(index: ImageIndex): Promise<ImageRecord> {
  const bytes = await readFile(corpusPath('photos/tower_progressive.jpg'));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await store.put(originalKey(sha256), bytes);
  const now = new Date().toISOString();
  const record: ImageRecord = {
    id: newImageIdInShard(dedupShard(dedupKey({ ownerId: 'owner', sha256 })), shardCount()), sha256, format: 'jpeg', width: 512, height: 512, bytes: bytes.length, orientation: 1,
    hasAlpha: false, frames: 1, status: 'processing', createdAt: now, updatedAt: now, variants: [], ownerId: 'owner', visibility: 'public', meta: { tags: [] }, revision: 0,
  };
  await index.createAndEnqueue(record);
  return record;
}

async function startWorker(jobStore: ObjectStore, heartbeatTtlMs: number): Promise<ResizeWorker> {
  const queue = new JobQueue(r.client);
  const index = new ImageIndex(r.client);
  const worker = new ResizeWorker(
    queue,
    r.client.duplicate(),
    { queue, index, writer: new RecordWriter(r.client, index, jobStore, undefined), store: jobStore, presets, limits: { maxPixels: 1e8, timeoutSeconds: 30 }, budget: new MemoryBudget(2 ** 30), maxDeliveries: 5, logger },
    createResizeMetrics(telemetry.meter, queue),
    // The visibility timeout is the default two minutes: only the heartbeat can explain a quick takeover.
    { concurrency: 1, visibilityTimeoutMs: 120_000, jobTimeoutSeconds: 60, blockMs: 100, heartbeatTtlMs },
    logger,
  );
  await worker.start();
  workers.push(worker);
  return worker;
}

describe('jobs of dead consumers', () => {
  it('takes over the jobs of a consumer whose heartbeat lapsed within seconds, and removes it from the group', async () => {
    const index = new ImageIndex(r.client);
    const queue = new JobQueue(r.client);
    await queue.ensureGroup();
    const record = await seedImage(index);
    // A consumer that took the job and died (it never heartbeats again).
    await queue.consumers.heartbeat('ghost', 500);
    expect(await queue.read(r.client, 'ghost', 1, 10)).toHaveLength(1);

    const started = Date.now();
    await startWorker(store, 1_000);
    await vi.waitFor(async () => expect((await index.get(record.id))?.status).toBe('ready'), { timeout: 15_000, interval: 100 });
    expect(Date.now() - started).toBeLessThan(15_000);
    await vi.waitFor(async () => expect((await queue.consumers.list()).map((c) => c.name)).not.toContain('ghost'), { timeout: 5_000, interval: 100 });
    // The record is written ready just before the job is acknowledged.
    await vi.waitFor(async () => expect(await xpendingAll(r.client, redisKeys.resizeStream, RESIZE_GROUP)).toBe(0), { timeout: 5_000, interval: 50 });
  });

  it('never takes the long job of a live consumer', async () => {
    const index = new ImageIndex(r.client);
    const record = await seedImage(index);
    // The job runs for several heartbeat lifetimes.
    const slow = countingStore(store, 4_000);
    const busy = await startWorker(slow.store, 500);
    await vi.waitFor(() => expect(slow.reads()).toBe(1), { timeout: 5_000, interval: 20 });
    const other = countingStore(store);
    await startWorker(other.store, 500);

    await vi.waitFor(async () => expect((await index.get(record.id))?.status).toBe('ready'), { timeout: 20_000, interval: 100 });
    expect(other.reads()).toBe(0);
    expect(slow.reads()).toBe(1);
    expect(busy.activeJobs).toBe(0);
  });
});
