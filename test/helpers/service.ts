import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '../../services/core/config.js';
import { createLogger } from '../../services/core/logger.js';
import { startService, type ServiceHandle } from '../../services/runtime/start-service.js';
import { rememberKey } from './auth.js';
import { startTestRedisOf, type TestRedisOf } from './test-redis-target.js';
import { S3_CREDENTIALS, startTestS3, type TestS3 } from './s3.js';

export type Backend = 'fs' | 's3';
export const BACKENDS: Backend[] = ['fs', 's3'];

export interface TestService {
  service: ServiceHandle;
  /** One redis-server, or a Cluster / Sentinel group in the cluster lane (IMGSVC_TEST_REDIS). */
  redis: TestRedisOf;
  dataDir: string;
  url: string;
  backend: Backend;
  /** The S3-protocol server, with the s3 backend. */
  s3: TestS3 | undefined;
  /** The bootstrap admin's API key. */
  adminKey: string;
  /** The environment that points another imgsvc process at the same Redis and storage. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The whole service in this process, on a free port, with its own Redis and data folder, and
 * with the s3 backend its own S3-protocol server (s3rver) and bucket. The Redis is the lane's
 * (one server; a real Cluster or Sentinel group with IMGSVC_TEST_REDIS), or `options.redis`: a
 * REDIS_URL of the test's own, which the test starts and stops itself.
 */
export async function startTestService(env: Record<string, string> = {}, backend: Backend = 'fs', options: { redis?: TestRedisOf; logStream?: NodeJS.WritableStream } = {}): Promise<TestService> {
  const ownRedis = options.redis === undefined;
  const redis = options.redis ?? (await startTestRedisOf());
  const dataDir = await mkdtemp(join(tmpdir(), 'imgsvc-data-'));
  let s3: TestS3 | undefined;
  const shared: Record<string, string> = { IMGSVC_DATA_DIR: dataDir, REDIS_URL: redis.url };
  if (backend === 's3') {
    s3 = await startTestS3();
    // The SDK's default credential chain reads these; s3rver accepts exactly them.
    Object.assign(shared, {
      IMGSVC_STORAGE: 's3',
      IMGSVC_S3_BUCKET: s3.bucket,
      IMGSVC_S3_ENDPOINT: s3.endpoint,
      IMGSVC_S3_FORCE_PATH_STYLE: 'true',
      IMGSVC_S3_CHECKSUMS: 'when_required',
      AWS_ACCESS_KEY_ID: S3_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3_CREDENTIALS.secretAccessKey,
    });
    process.env.AWS_ACCESS_KEY_ID = S3_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = S3_CREDENTIALS.secretAccessKey;
  }
  const config = loadConfig({ IMGSVC_PORT: '0', ...shared, ...env });
  const logger = options.logStream ? createLogger('trace', options.logStream) : createLogger(process.env.TEST_LOG_LEVEL === undefined ? 'silent' : (process.env.TEST_LOG_LEVEL as 'info'));
  const service = await startService(config, { logger });
  const adminKey = service.bootstrap.token ?? '';
  if (adminKey) rememberKey(service.url, adminKey);
  return {
    service,
    adminKey,
    redis,
    dataDir,
    url: service.url,
    backend,
    s3,
    env: shared,
    stop: async () => {
      // Each step bounded and named: a stop that hangs says which part held it (a CI run once
      // spent its whole hook timeout here without saying).
      await within(60_000, 'the service', service.stop());
      // Each step of the service's shutdown is bounded (runtime/cleanups.ts); one that ran out
      // of time is a bug to find, so it is said where CI shows it.
      if (service.lateShutdownSteps.length > 0) console.warn(`shutdown steps that did not finish in time: ${service.lateShutdownSteps.join(' | ')}`);
      if (ownRedis) await within(30_000, 'the test Redis', redis.stop());
      if (s3) await within(30_000, 'the test S3 server', s3.stop());
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`stopping ${what} took over ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every object key in the service's store. */
export async function storedKeys(t: TestService): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await t.service.store.list('', { cursor, limit: 1000 });
    keys.push(...page.keys);
    cursor = page.cursor;
  } while (cursor);
  return keys;
}

/** Every stored object key and every local file: what a rejected upload must not change. */
export async function listStored(t: TestService): Promise<string[]> {
  const keys = await storedKeys(t);
  return [...keys.map((k) => `store:${k}`), ...(await listFiles(t.dataDir)).map((f) => `file:${f}`)].sort();
}

/** Every file under the data folder, so a test can show that a rejection stored nothing. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const entry of await readdir(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(dir, full));
    }
  };
  await walk(dir);
  return out.sort();
}

/** Redis keys that hold images (records, hash index, id index, jobs), not analytics. */
export async function imageKeys(t: TestService): Promise<string[]> {
  const keys = await t.redis.client.keys('imgsvc:*');
  return keys
    .filter((k) => !/^imgsvc:(stats|top|hll|analytics|rl|apikey-used|locks|dl):/.test(k) && !/^imgsvc:\{s\d+\}:locks:/.test(k) && k !== 'imgsvc:keyspace' && !k.startsWith('imgsvc:jobs:resize:alive:'))
    .sort();
}
