import { Router } from 'express';
import type { Redis } from 'ioredis';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { healthOperations as ops } from './health-operations.js';
import { openRoute } from './openapi/register-route.js';

export interface HealthDeps {
  redis: Redis;
  store: ObjectStore;
  telemetry: Telemetry;
  role: string;
  /** False once shutdown has begun, so load balancers stop sending new work. */
  isAccepting: () => boolean;
  /** The roles' own checks (a resizer whose consumer loop keeps failing cannot do its work). */
  roleChecks?: () => Record<string, CheckResult>;
}

export interface CheckResult {
  ok: boolean;
  error?: string;
}

export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();

  openRoute(router, ops.healthz, ({ res }) => {
    res.setHeader('Cache-Control', 'no-store').json({ status: 'ok', role: deps.role });
  });

  openRoute(router, ops.readyz, async ({ res }) => {
    const [redis, storage] = await Promise.all([
      probe(async () => {
        await deps.redis.ping();
      }),
      probe(() => deps.store.check()),
    ]);
    const accepting = deps.isAccepting();
    const roles = deps.roleChecks?.() ?? {};
    const ready = redis.ok && storage.ok && accepting && Object.values(roles).every((c) => c.ok);
    res
      .status(ready ? 200 : 503)
      .setHeader('Cache-Control', 'no-store')
      .json({ status: ready ? 'ready' : 'not_ready', role: deps.role, checks: { redis, storage, accepting, ...roles } });
  });

  openRoute(router, ops.metrics, ({ req, res }) => deps.telemetry.handleScrape(req, res));

  return router;
}

async function probe(check: () => Promise<void>, timeoutMs = 2_000): Promise<CheckResult> {
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
