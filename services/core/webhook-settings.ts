import { z } from 'zod';

/** Which non-public destinations webhook endpoints may have: each level includes the one before. */
export const WEBHOOK_ALLOW_LEVELS = ['none', 'loopback', 'private', 'all'] as const;
export type WebhookAllowLevel = (typeof WEBHOOK_ALLOW_LEVELS)[number];

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The settings of webhook delivery (services/events/webhooks/). Composed into the service's one
 * settings table (config.ts). The retry schedule is settings so tests can compress 24 hours.
 */
export const WEBHOOK_SETTINGS = {
  webhookSecretKey: {
    env: 'IMGSVC_WEBHOOK_SECRET_KEY',
    flag: undefined,
    secret: true,
    schema: z
      .string()
      .refine((t) => /^[A-Za-z0-9+/]{43}=?$/.test(t) && Buffer.from(t, 'base64').length === 32, 'expected 32 bytes in base64 (openssl rand -base64 32)')
      .transform((t) => Buffer.from(t, 'base64'))
      .optional(),
  },
  webhookAllowPrivate: {
    env: 'IMGSVC_WEBHOOK_ALLOW_PRIVATE',
    flag: undefined,
    schema: z.enum(WEBHOOK_ALLOW_LEVELS).default('none'),
  },
  webhookTimeoutMs: { env: 'IMGSVC_WEBHOOK_TIMEOUT_MS', flag: undefined, schema: ms(100, 120_000, 15_000) },
  webhookRetryBaseMs: { env: 'IMGSVC_WEBHOOK_RETRY_BASE_MS', flag: undefined, schema: ms(10, 3_600_000, 5_000) },
  webhookRetryMaxMs: { env: 'IMGSVC_WEBHOOK_RETRY_MAX_MS', flag: undefined, schema: ms(10, 86_400_000, 3 * 3_600_000) },
  webhookRetryWindowMs: { env: 'IMGSVC_WEBHOOK_RETRY_WINDOW_MS', flag: undefined, schema: ms(100, 7 * 86_400_000, 86_400_000) },
  webhookConcurrency: { env: 'IMGSVC_WEBHOOK_CONCURRENCY', flag: undefined, schema: z.coerce.number().int().min(1).max(1000).default(16) },
  /** Fairness: the most attempts one owner's endpoints hold at once in a worker (capped by IMGSVC_WEBHOOK_CONCURRENCY). */
  webhookOwnerConcurrency: { env: 'IMGSVC_WEBHOOK_OWNER_CONCURRENCY', flag: undefined, schema: z.coerce.number().int().min(1).max(1000).default(4) },
  webhookPollMs: { env: 'IMGSVC_WEBHOOK_POLL_MS', flag: undefined, schema: ms(10, 60_000, 1_000) },
} as const;
