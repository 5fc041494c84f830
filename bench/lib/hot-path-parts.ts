/**
 * What each part of a negotiated hit costs, in process: the real functions the /i/ handler
 * calls, each run N times under process.cpuUsage (µs of CPU per call, median of 5 runs).
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { negotiate } from '../../services/core/negotiate.js';

import { VariantLoader, locateVariant, type HotVariant } from '../../services/origin/variant-loader.js';
import type { Choice } from '../../services/origin/choice-memo.js';
import { RequestRecorder } from '../../services/analytics/request-recorder.js';
import { FastMetrics } from '../../services/telemetry/fast-metrics.js';
import { createHttpMetrics } from '../../services/http/http-metrics.js';
import { createOriginMetrics } from '../../services/origin/origin-metrics.js';
import { ViewerHasher } from '../../services/analytics/viewer-hash.js';
import { metrics } from '@opentelemetry/api';
import type { ImageRecord } from '../../services/images/image-record.js';
import type { ObjectStore } from '../../services/storage/object-store.js';
import type { Logger } from '../../services/core/logger.js';
import type { Redis } from 'ioredis';

export interface PartCost {
  part: string;
  microseconds: number;
}

const N = Number(process.env.BENCH_PART_ITERATIONS ?? 200_000);

function cpuPerCall(fn: (i: number) => void, n = N): number {
  for (let i = 0; i < Math.min(n, 20_000); i++) fn(i); // warm the JIT
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) fn(i);
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / n);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

async function cpuPerCallAsync(fn: () => Promise<void>, n: number): Promise<number> {
  await fn();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await fn();
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / n);
  }
  return runs.sort((a, b) => a - b)[2]!;
}

const silent = { warn() {}, info() {}, error() {}, debug() {}, isLevelEnabled: () => false } as unknown as Logger;

/** A Redis stand-in whose pipeline takes every command and answers at once: the flush's own CPU, not Redis's. */
function nullRedis(): Redis {
  const pipeline = { hincrby() {}, zincrby() {}, pfadd() {}, expire() {}, exec: () => Promise.resolve([]) };
  return { pipeline: () => pipeline } as unknown as Redis;
}

export interface HitInputs {
  record: ImageRecord;
  headers: Record<string, string>;
  data: Buffer;
  /** The response headers the service sent for this hit, minus Date/Connection/Keep-Alive. */
  responseHeaders: [string, string][];
}

export async function measureParts(inputs: HitInputs, parts: HotPathParts): Promise<PartCost[]> {
  const { record, headers } = inputs;
  const presets = parts.presets;
  const req = new IncomingMessage(new Socket());
  req.headers = { ...headers };
  const choice = parts.choose(req, record);
  const negotiated = choice.negotiated;
  const store = { getBuffer: () => Promise.resolve(inputs.data) } as unknown as ObjectStore;
  const loader = new VariantLoader(store, { hotCacheBytes: 64 << 20, transformConcurrency: 1, transformQueue: 1, limits: {} as never, budget: {} as never, failureTtlSeconds: 0 });
  const loaded = await loader.load(record, negotiated.spec);
  if (loaded.name !== choice.name) throw new Error(`the bench's variant ${loaded.name} is not the handler's ${choice.name}`);
  const fast = new FastMetrics();
  const http = createHttpMetrics(fast);
  const origin = createOriginMetrics(metrics.getMeter('bench'), fast);
  const recorder = new RequestRecorder(nullRedis(), silent, metrics.getMeter('bench'), { hasher: ViewerHasher.withSecret(Buffer.alloc(32, 1)) });
  const event = () => ({
    imageId: record.id,
    bytes: inputs.data.length,
    saved: record.bytes - inputs.data.length,
    format: negotiated.spec.format,
    deviceClass: negotiated.deviceClass,
    variant: loaded.name,
    tier: 'memory',
    address: '127.0.0.1',
    userAgent: headers['user-agent'],
  });
  const BATCH = 1_000;
  const flat = inputs.responseHeaders.flat();
  const out: PartCost[] = [
    { part: 'negotiation, uncached (negotiate())', microseconds: cpuPerCall(() => void negotiate({ headers: req.headers, query: {}, preset: undefined }, record, presets)) },
    { part: 'variant key derivation, uncached (locateVariant())', microseconds: cpuPerCall(() => void locateVariant(record, negotiated.spec)) },
    { part: 'negotiation + key + ETag as the handler gets them (memo)', microseconds: cpuPerCall(() => void parts.choose(req, record)) },
    { part: 'hot cache (LRU) lookup', microseconds: cpuPerCall(() => void loader.peekKey(choice.key)) },
    {
      part: 'analytics (record + its share of the flush)',
      microseconds:
        (await cpuPerCallAsync(async () => {
          for (let i = 0; i < BATCH; i++) recorder.record(event());
          await recorder.flush();
        }, 200)) / BATCH,
    },
    {
      part: 'metrics',
      microseconds: cpuPerCall(() => {
        origin.cacheTier('memory');
        http.served('/i/:id', negotiated.spec.format, negotiated.deviceClass, inputs.data.length);
        origin.savedBytes(negotiated.spec.format, negotiated.deviceClass, 1000);
        parts.finished(http);
      }),
    },
    {
      part: 'headers: building and serialising',
      microseconds: cpuPerCall(() => parts.writeHead(new ServerResponse(req), record, choice, loaded)),
    },
    {
      part: 'headers, as the bare server does (one flat array)',
      microseconds: cpuPerCall(() => void new ServerResponse(req).writeHead(200, flat)),
    },
  ];
  return out;
}

/** The handler's parts under test, passed in so the bench measures the code the handler runs. */
export interface HotPathParts {
  presets: readonly import('../../services/core/eager-presets.js').Preset[];
  choose(req: IncomingMessage, record: ImageRecord): Choice;
  finished(http: ReturnType<typeof createHttpMetrics>): void;
  writeHead(res: ServerResponse, record: ImageRecord, choice: Choice, variant: HotVariant): void;
}
