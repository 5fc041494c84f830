import { loadConfig, ConfigError } from '../services/core/config.js';
import { imageServiceSpec, type ImageServiceSpec } from './image-service-spec.js';
import { serviceSettings } from './config-map.js';
import type { BuildInput } from './build-input.js';
import { redisEnv } from './redis-env.js';

export type ParsedSpec = { ok: true; spec: ImageServiceSpec } | { ok: false; problems: string[] };

/**
 * The spec with defaults applied, or every problem in it. The API server enforces the same schema,
 * but the operator must not trust that (schema changes, resources created before them), and the
 * service's own config check catches what the schema cannot see, such as a malformed preset list.
 */
export function parseSpec(raw: unknown, identity: Omit<BuildInput, 'spec'>): ParsedSpec {
  const parsed = imageServiceSpec.safeParse(raw ?? {});
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => `spec.${i.path.join('.')}: ${i.message}`) };
  }
  const settings = serviceSettings({ ...identity, spec: parsed.data });
  try {
    // The URL composed from spec.redis, or a placeholder when it sits in a Secret the operator may not read.
    const composed = redisEnv(parsed.data.redis).find((e) => e.name === 'REDIS_URL')?.value;
    loadConfig({ ...settings, REDIS_URL: composed ?? 'redis://placeholder:6379' });
  } catch (err) {
    if (err instanceof ConfigError) return { ok: false, problems: err.problems.map((p) => `${p.startsWith('REDIS_') ? 'spec.redis' : 'spec.config'} → ${p}`) };
    throw err;
  }
  return { ok: true, spec: parsed.data };
}
