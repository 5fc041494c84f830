import { z } from 'zod';
import { parseToken } from './api-token-format.js';
import { parseKeyRing } from './signing-key-spec.js';
import { durationMs, rateSpec } from './setting-schemas.js';

const RATE_EXAMPLES = '600/1m, 20/10s or 5000/1h';

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
  /** The longest lifetime a signed URL may be minted with (and verified with): one day unless set. */
  signedUrlMaxTtlSeconds: {
    env: 'IMGSVC_SIGNED_URL_MAX_TTL',
    flag: undefined,
    schema: z.coerce.number().int().min(10).max(31_536_000).default(86_400),
  },
  /**
   * How long a shared cache (a CDN) may keep a response to a signed URL minted by someone other
   * than the owner: the origin refuses it the moment the minter's access ends, a CDN only after this.
   */
  signedUrlDelegatedMaxAgeSeconds: {
    env: 'IMGSVC_SIGNED_URL_DELEGATED_MAX_AGE',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(86_400).default(60),
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
  rateLimitPerKey: { env: 'IMGSVC_RATE_LIMIT_PER_KEY', flag: undefined, schema: rateSpec('1200/1m', RATE_EXAMPLES) },
  rateLimitPerAddress: { env: 'IMGSVC_RATE_LIMIT_PER_ADDRESS', flag: undefined, schema: rateSpec('600/1m', RATE_EXAMPLES) },
  rateLimitAuthFailures: { env: 'IMGSVC_RATE_LIMIT_AUTH_FAILURES', flag: undefined, schema: rateSpec('20/1m', RATE_EXAMPLES) },
  rateLimitImages: { env: 'IMGSVC_RATE_LIMIT_IMAGES', flag: undefined, schema: rateSpec('off', RATE_EXAMPLES) },
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
  eventRetentionMs: { env: 'IMGSVC_EVENT_RETENTION', flag: undefined, schema: durationMs('12h', 60_000) },
  /** The event entries' stored form: `legacy` while pods of a version before the compact form still run. */
  eventEntries: { env: 'IMGSVC_EVENT_ENTRIES', flag: undefined, schema: z.enum(['compact', 'legacy']).default('compact') },
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
