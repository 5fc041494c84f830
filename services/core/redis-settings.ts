import { z } from 'zod';
import { parseRedisUrl, redactRedisUrl } from './redis-url.js';
import { DEFAULT_SHARDS, MAX_SHARDS, MIN_SHARDS } from './shards.js';

/**
 * Passwords for REDIS_URL kept out of it, so a Kubernetes Secret can hold the password alone
 * (the URL is composed from the ImageService's spec.redis) with no percent-encoding to get right.
 */
export const REDIS_SECRET_SETTINGS = {
  redisPassword: {
    env: 'REDIS_PASSWORD',
    flag: undefined,
    secret: true,
    schema: z.string().min(1).optional(),
  },
  redisSentinelPassword: {
    env: 'REDIS_SENTINEL_PASSWORD',
    flag: undefined,
    secret: true,
    schema: z.string().min(1).optional(),
  },
} as const;

/** What only makes sense together with REDIS_URL. */
export function redisSettingProblems(values: { redisUrl?: string | undefined; redisPassword?: string | undefined; redisSentinelPassword?: string | undefined }): string[] {
  const problems: string[] = [];
  const parsed = values.redisUrl === undefined ? undefined : parseRedisUrl(values.redisUrl);
  // A REDIS_URL that does not parse has its own problem listed already.
  if (parsed !== undefined && 'problems' in parsed) return problems;
  const target = parsed?.target;
  const both = (what: string, where: string) => `${what}: set it either in REDIS_URL (${where}) or in ${what}, not both`;
  if (values.redisPassword !== undefined) {
    if (target === undefined) problems.push('REDIS_PASSWORD: only used with REDIS_URL (the private redis-server has no password)');
    else if (target.mode === 'standalone' ? /^[a-z]+:\/\/[^@/]*:[^@/]+@/i.test(target.url) : target.password !== undefined) problems.push(both('REDIS_PASSWORD', ':password@'));
  }
  if (values.redisSentinelPassword !== undefined) {
    if (target?.mode !== 'sentinel') problems.push('REDIS_SENTINEL_PASSWORD: only used with a redis+sentinel:// REDIS_URL');
    else if (target.sentinelPassword !== undefined) problems.push(both('REDIS_SENTINEL_PASSWORD', 'sentinelPassword='));
  }
  return problems;
}

/** Where Redis is and how the service treats it: composed into the one settings table (config.ts). */
export const REDIS_SETTINGS = {
  redisUrl: {
    env: 'REDIS_URL',
    flag: undefined,
    // One server, a Sentinel group or a Cluster (core/redis-url.ts); kept as text, parsed again where it is dialled.
    schema: z
      .string()
      .superRefine((text, ctx) => {
        const parsed = parseRedisUrl(text);
        if ('problems' in parsed) for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
      })
      .optional(),
    redact: redactRedisUrl,
  },
  ...REDIS_SECRET_SETTINGS,
  /** Logical shards of the keyspace (core/shards.ts): fixed at install time, refused at start-up if changed without a rebuild. */
  redisShards: {
    env: 'IMGSVC_REDIS_SHARDS',
    flag: undefined,
    schema: z.coerce.number().int().min(MIN_SHARDS).max(MAX_SHARDS).default(DEFAULT_SHARDS),
  },
  redisWaitSeconds: {
    env: 'IMGSVC_REDIS_WAIT_SECONDS',
    flag: undefined,
    schema: z.coerce.number().min(0).max(600).default(15),
  },
  privateRedisMaxRestarts: {
    env: 'IMGSVC_PRIVATE_REDIS_MAX_RESTARTS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(100).default(5),
  },
  privateRedisStableSeconds: {
    env: 'IMGSVC_PRIVATE_REDIS_STABLE_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(86_400).default(30),
  },
} as const;
