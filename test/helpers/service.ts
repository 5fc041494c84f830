import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { loadConfig } from '../../services/core/config.js';
import { createLogger } from '../../services/core/logger.js';
import { startService, type ServiceHandle } from '../../services/runtime/start-service.js';
import { startTestRedis, type TestRedis } from './redis.js';

export interface TestService {
  service: ServiceHandle;
  redis: TestRedis;
  dataDir: string;
  url: string;
  stop(): Promise<void>;
}

/** The whole service in this process, on a free port, with its own Redis and data folder. */
export async function startTestService(env: Record<string, string> = {}): Promise<TestService> {
  const redis = await startTestRedis();
  const dataDir = await mkdtemp(join(tmpdir(), 'imgsvc-data-'));
  const config = loadConfig({ IMGSVC_PORT: '0', IMGSVC_DATA_DIR: dataDir, REDIS_URL: redis.url, ...env });
  const service = await startService(config, { logger: createLogger(process.env.TEST_LOG_LEVEL === undefined ? 'silent' : (process.env.TEST_LOG_LEVEL as 'info')) });
  return {
    service,
    redis,
    dataDir,
    url: service.url,
    stop: async () => {
      await service.stop();
      await redis.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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
  return keys.filter((k) => !/^imgsvc:(stats|top|hll|analytics):/.test(k)).sort();
}
