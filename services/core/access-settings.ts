import { z } from 'zod';
import { parseKeyRing } from '../access/key-ring.js';
import { parseToken } from '../accounts/api-key.js';
import { parseRateSpec } from './rate-spec.js';
import { durationMs } from './setting-schemas.js';

function rateLimit(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const spec = parseRateSpec(text);
      if (spec === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected N/window such as 600/1m, 20/10s or 5000/1h, or off' });
        return z.NEVER;
      }
      return spec;
    });
}

/**
 * The settings of accounts, access and the image lifecycle: URL signing, the first admin key,
 * rate limits, trusted proxies, erasure and download leases. Composed into the service's one
 * settings table (config.ts), which parses and validates them with the rest.
 */
export const ACCESS_SETTINGS = {
  signingKeys: {
    env: 'IMGSVC_SIGNING_KEYS',
    flag: undefined,
    secret: true,
    schema: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (text === undefined) return undefined;
        const parsed = parseKeyRing(text);
        if ('problems' in parsed) {
          for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return parsed.keys;
      }),
  },
  signedUrlTtlSeconds: {
    env: 'IMGSVC_SIGNED_URL_TTL',
    flag: undefined,
    schema: z.coerce.number().int().min(10).max(31_536_000).default(300),
  },
  signedUrlMaxTtlSeconds: {
    env: 'IMGSVC_SIGNED_URL_MAX_TTL',
    flag: undefined,
    schema: z.coerce.number().int().min(10).max(31_536_000).default(604_800),
  },
  bootstrapAdminKey: {
    env: 'IMGSVC_BOOTSTRAP_ADMIN_KEY',
    flag: undefined,
    secret: true,
    schema: z
      .string()
      .refine((t) => parseToken(t) !== undefined, 'expected an API key of the form imgsvc_<16 hex>_<43 base64url characters>')
      .optional(),
  },
  rateLimitPerKey: { env: 'IMGSVC_RATE_LIMIT_PER_KEY', flag: undefined, schema: rateLimit('1200/1m') },
  rateLimitPerAddress: { env: 'IMGSVC_RATE_LIMIT_PER_ADDRESS', flag: undefined, schema: rateLimit('600/1m') },
  rateLimitAuthFailures: { env: 'IMGSVC_RATE_LIMIT_AUTH_FAILURES', flag: undefined, schema: rateLimit('20/1m') },
  rateLimitImages: { env: 'IMGSVC_RATE_LIMIT_IMAGES', flag: undefined, schema: rateLimit('off') },
  trustProxyHops: {
    env: 'IMGSVC_TRUST_PROXY',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(10).default(0),
  },
  eraseAfterSeconds: {
    env: 'IMGSVC_ERASE_AFTER',
    flag: undefined,
    schema: z
      .string()
      .default('1h')
      .transform((text, ctx) => {
        const m = /^([0-9]{1,7})(s|m|h|d)?$/.exec(text);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: 'expected a duration such as 3600, 90m, 1h or 2d' });
          return z.NEVER;
        }
        return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
      }),
  },
  eraseSweepSeconds: {
    env: 'IMGSVC_ERASE_SWEEP_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(86_400).default(60),
  },
  /** How long the event stream keeps its entries (trimmed by age on every append). */
  eventRetentionMs: { env: 'IMGSVC_EVENT_RETENTION', flag: undefined, schema: durationMs('7d', 60_000) },
  fullResMinWidth: {
    env: 'IMGSVC_FULL_RES_MIN_WIDTH',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(100_000).default(1600),
  },
  fullResolutionStreams: {
    env: 'IMGSVC_FULL_RES_STREAMS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(100).default(1),
  },
} as const;
