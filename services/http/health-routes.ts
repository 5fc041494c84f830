import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';

export interface HealthDeps {
  redis: Redis;
  store: ObjectStore;
  telemetry: Telemetry;
  role: string;
  /** False once shutdown has begun, so load balancers stop sending new work. */
  isAccepting: () => boolean;
}

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store').json({ status: 'ok', role: deps.role });
  });

  router.get('/readyz', async (_req, res) => {
    const [redis, storage] = await Promise.all([
      probe(async () => {
        await deps.redis.ping();
      }),
      probe(() => deps.store.check()),
    ]);
    const accepting = deps.isAccepting();
    const ready = redis.ok && storage.ok && accepting;
    res
      .status(ready ? 200 : 503)
      .setHeader('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not_ready', role: deps.role, checks: { redis, storage, accepting } });
  });

  router.get('/metrics', (req, res) => deps.telemetry.handleScrape(req, res));

  return router;
}

async function probe(check: () => Promise<void>, timeoutMs = 2_000): Promise<{ ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  } finally {
    clearTimeout(timer);
  }
}
