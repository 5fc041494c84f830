import { z } from 'zod';
import { DEFAULT_PRESETS, parsePresets } from './eager-presets.js';
import { ACCESS_SETTINGS } from './access-settings.js';
import { PROCESSING_SETTINGS } from './processing-settings.js';
import { SHARING_SETTINGS } from './sharing-settings.js';
import { SESSION_SETTINGS } from './session-settings.js';
import { WEBHOOK_SETTINGS } from './webhook-settings.js';
import { DURABILITY_SETTINGS } from './durability-settings.js';
import { LIMIT_SETTINGS } from './limit-settings.js';
import { byteSize } from './setting-schemas.js';
import { parseCorsOrigins } from './cors-origins.js';
import { REDIS_SETTINGS, redisSettingProblems } from './redis-settings.js';

export const ROLES = ['all', 'upload', 'resizer', 'origin'] as const;
export type Role = (typeof ROLES)[number];

/** Command-line flags; each overrides the environment variable of the same setting. */
export interface ConfigFlags {
  role?: string;
  host?: string;
  port?: string;
  data?: string;
}


/**
 * Every setting: the environment variable that sets it, its flag (if any), and how it is
 * validated. Reading process.env happens only here and in the CLI that passes it in.
 */
export const SETTINGS = {
  role: { env: 'IMGSVC_ROLE', flag: '--role', schema: z.enum(ROLES).default('all') },
  host: { env: 'IMGSVC_HOST', flag: '--host', schema: z.string().min(1).default('127.0.0.1') },
  port: { env: 'IMGSVC_PORT', flag: '--port', schema: z.coerce.number().int().min(0).max(65535).default(8080) },
  dataDir: { env: 'IMGSVC_DATA_DIR', flag: '--data', schema: z.string().min(1).default('./data') },
  ...REDIS_SETTINGS,
  storage: {
    env: 'IMGSVC_STORAGE',
    flag: undefined,
    schema: z.enum(['fs', 's3']).default('fs'),
  },
  s3Bucket: {
    env: 'IMGSVC_S3_BUCKET',
    flag: undefined,
    schema: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'expected an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)').optional(),
  },
  s3Endpoint: {
    env: 'IMGSVC_S3_ENDPOINT',
    flag: undefined,
    schema: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  },
  s3Region: {
    env: 'IMGSVC_S3_REGION',
    flag: undefined,
    schema: z.string().min(1).default('us-east-1'),
  },
  s3ForcePathStyle: {
    env: 'IMGSVC_S3_FORCE_PATH_STYLE',
    flag: undefined,
    schema: z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  },
  s3Prefix: {
    env: 'IMGSVC_S3_PREFIX',
    flag: undefined,
    schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._\-/]*$/, 'expected a key prefix of letters, digits and ._-/').optional(),
  },
  s3Checksums: {
    env: 'IMGSVC_S3_CHECKSUMS',
    flag: undefined,
    schema: z.enum(['when_supported', 'when_required']).default('when_supported'),
  },
  publicBaseUrl: {
    env: 'IMGSVC_PUBLIC_BASE_URL',
    flag: undefined,
    schema: z
      .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
      .transform((u) => u.replace(/\/+$/, ''))
      .optional(),
  },
  maxUploadBytes: {
    env: 'IMGSVC_MAX_UPLOAD_BYTES',
    flag: undefined,
    schema: byteSize(50 * 1024 * 1024),
  },
  uploadIdleTimeoutMs: {
    env: 'IMGSVC_UPLOAD_IDLE_TIMEOUT_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  },
  uploadValidation: {
    env: 'IMGSVC_UPLOAD_VALIDATION',
    flag: undefined,
    // header: magic bytes, header and structure at upload; the full decode moves to the resizer.
    schema: z.enum(['full', 'header']).default('full'),
  },
  maxConcurrentUploads: {
    env: 'IMGSVC_MAX_CONCURRENT_UPLOADS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(100_000).default(64),
  },
  corsOrigins: {
    env: 'IMGSVC_CORS_ORIGINS',
    flag: undefined,
    schema: z
      .string()
      .default('')
      .transform((text, ctx) => {
        const parsed = parseCorsOrigins(text);
        if ('problems' in parsed) {
          for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return parsed.origins;
      }),
  },
  maxPixels: {
    env: 'IMGSVC_MAX_PIXELS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(2 ** 40).default(100_000_000),
  },
  maxFrames: {
    env: 'IMGSVC_MAX_FRAMES',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  },
  maxAnimationPixels: {
    env: 'IMGSVC_MAX_ANIMATION_PIXELS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(2 ** 40).default(50_000_000),
  },
  cacheMaxAgeSeconds: {
    env: 'IMGSVC_CACHE_MAX_AGE',
    flag: undefined,
    schema: z.coerce.number().int().min(0).default(31_536_000),
  },
  shutdownTimeoutMs: {
    env: 'IMGSVC_SHUTDOWN_TIMEOUT_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).default(10_000),
  },
  hotCacheBytes: {
    env: 'IMGSVC_HOT_CACHE_BYTES',
    flag: undefined,
    schema: byteSize(256 * 1024 * 1024),
  },
  ...PROCESSING_SETTINGS,
  eagerPresets: {
    env: 'IMGSVC_EAGER_PRESETS',
    flag: undefined,
    schema: z
      .string()
      .default(DEFAULT_PRESETS)
      .transform((text, ctx) => {
        const parsed = parsePresets(text);
        if ('problems' in parsed) {
          for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return parsed.presets;
      }),
  },
  analytics: {
    env: 'IMGSVC_ANALYTICS',
    flag: undefined,
    schema: z.enum(['on', 'off']).default('on'),
  },
  analyticsRetentionDays: {
    env: 'IMGSVC_ANALYTICS_RETENTION_DAYS',
    flag: undefined,
    schema: z.coerce.number().min(1).max(3650).default(30),
  },
  ...ACCESS_SETTINGS,
  ...SHARING_SETTINGS,
  ...WEBHOOK_SETTINGS,
  ...SESSION_SETTINGS,
  ...DURABILITY_SETTINGS,
  ...LIMIT_SETTINGS,
  logLevel: {
    env: 'IMGSVC_LOG_LEVEL',
    flag: undefined,
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  },
} as const;


type Settings = typeof SETTINGS;
export type Config = { readonly [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

const FLAG_KEYS: Partial<Record<keyof Settings, keyof ConfigFlags>> = {
  role: 'role',
  host: 'host',
  port: 'port',
  dataDir: 'data',
};

/** A setting: the environment variable that sets it, its flag if any, and its schema. */
export interface Setting {
  env: string;
  flag: string | undefined;
  schema: z.ZodType;
  /** Its value is never echoed in an error message. */
  secret?: boolean;
  /** How its value is echoed in an error message (a URL without its passwords). */
  redact?: (raw: string) => string;
}

/**
 * Parses a table of settings from the environment (and flags, which win), collecting every
 * problem before failing so one run shows them all. Shared by the service and the operator.
 */
export function parseSettings<S extends Record<string, Setting>>(
  settings: S,
  env: Record<string, string | undefined>,
  flagValue: (key: keyof S) => string | undefined = () => undefined,
): { values: { [K in keyof S]: z.output<S[K]['schema']> }; problems: string[] } {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(settings)) {
    const fromFlag = flagValue(key);
    const raw = fromFlag ?? emptyToUndefined(env[setting.env]);
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) {
      out[key] = parsed.data;
    } else {
      const source = fromFlag !== undefined ? setting.flag : setting.env;
      const message = parsed.error.issues.map((i) => i.message).join('; ');
      const redact = 'redact' in setting ? setting.redact : undefined;
      const received =
        'secret' in setting && setting.secret
          ? `${raw?.length ?? 0} characters, not shown`
          : JSON.stringify(redact && raw !== undefined ? redact(raw) : raw);
      problems.push(`${source}: ${message} (received ${received})`);
    }
  }
  return { values: out as { [K in keyof S]: z.output<S[K]['schema']> }, problems };
}

/** Parses every setting, collecting all problems before failing so one run shows them all. */
export function loadConfig(env: Record<string, string | undefined>, flags: ConfigFlags = {}): Config {
  const { values: out, problems } = parseSettings(SETTINGS, env, (key) => {
    const flagKey = FLAG_KEYS[key];
    return flagKey ? flags[flagKey] : undefined;
  });
  // Settings that only make sense together.
  if (out.storage === 's3' && out.s3Bucket === undefined && !problems.some((p) => p.startsWith('IMGSVC_S3_BUCKET'))) {
    problems.push('IMGSVC_S3_BUCKET: required when IMGSVC_STORAGE=s3');
  }
  if (out.signedUrlTtlSeconds > out.signedUrlMaxTtlSeconds) {
    problems.push(`IMGSVC_SIGNED_URL_TTL: expected at most IMGSVC_SIGNED_URL_MAX_TTL (${out.signedUrlMaxTtlSeconds}) but received ${out.signedUrlTtlSeconds}`);
  }
  if (out.webhookRetryBaseMs > out.webhookRetryMaxMs) {
    problems.push(`IMGSVC_WEBHOOK_RETRY_BASE_MS: expected at most IMGSVC_WEBHOOK_RETRY_MAX_MS (${out.webhookRetryMaxMs}) but received ${out.webhookRetryBaseMs}`);
  }
  problems.push(...redisSettingProblems(out));
  if (problems.length > 0) throw new ConfigError(problems);
  return out as Config;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
