import type { Redis } from 'ioredis';
import { parseRedisUrl, redactRedisUrl } from '../core/redis-url.js';
import { withSecrets, type RedisSecrets } from '../redis/redis-client.js';
import { diagnoseRedis } from './diagnose-redis.js';

/**
 * Redis may start a moment after us (a Kubernetes rollout): wait a little, then fail with one
 * clear line. For a Sentinel group or a Cluster that line names every node tried and what it said.
 */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 15_000, secrets: RedisSecrets = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      // A ping can wait for a reconnect (through the sentinels, say) longer than the deadline.
      await withDeadline(redis.ping(), Math.max(250, deadline - Date.now()));
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const parsed = parseRedisUrl(url);
  const target = 'target' in parsed ? parsed.target : undefined;
  if (target && target.mode !== 'standalone') {
    const what = target.mode === 'cluster' ? 'Redis Cluster' : 'Redis through Sentinel';
    throw new Error(`cannot reach ${what} at ${redactUrl(url)}: ${await diagnoseRedis(withSecrets(target, secrets))}; check REDIS_URL`);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`cannot reach Redis at ${redactUrl(url)} (${reason}); check REDIS_URL, or unset it to let imgsvc start its own redis-server`);
}

export function redactUrl(url: string): string {
  return redactRedisUrl(url);
}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
