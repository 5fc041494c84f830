import type { Redis } from 'ioredis';

/** Redis may start a moment after us (a Kubernetes rollout): wait a little, then fail with one clear line. */
export async function waitForRedis(redis: Redis, url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      await redis.ping();
      return;
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`cannot reach Redis at ${redactUrl(url)} (${reason}); check REDIS_URL, or unset it to let imgsvc start its own redis-server`);
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
