import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startPrivateRedis, type PrivateRedis } from '../../services/redis/private-redis.js';
import { requireTool } from './require-tool.js';

export interface TestRedis {
  url: string;
  server: PrivateRedis;
  client: Redis;
  stop(): Promise<void>;
}

/** A real redis-server of the test's own, on a free port, gone when the test is done. */
export async function startTestRedis(): Promise<TestRedis> {
  requireTool('redis-server', 'redis-server', 'the tests (each starts its own Redis)');
  const dir = await mkdtemp(join(tmpdir(), 'imgsvc-redis-'));
  const server = await startPrivateRedis(dir, { persist: false });
  const client = new Redis(server.url, { maxRetriesPerRequest: 1 });
  // Tests stop the server on purpose; the reconnect errors that follow are expected.
  client.on('error', () => undefined);
  return {
    url: server.url,
    server,
    client,
    stop: async () => {
      client.disconnect();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
