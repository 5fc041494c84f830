import { z } from 'zod';
import { parseRateSpec } from './rate-spec.js';

const seconds = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const m = /^([0-9]{1,7})(s|m|h)?$/.exec(text);
      if (!m) {
        ctx.addIssue({ code: 'custom', message: 'expected a duration such as 300, 5m or 1h' });
        return z.NEVER;
      }
      return Number(m[1]) * { s: 1, m: 60, h: 3600 }[(m[2] ?? 's') as 's' | 'm' | 'h'];
    });

/** Comments and notifications. Composed into the service's one settings table (config.ts). */
export const SHARING_SETTINGS = {
  commentRate: {
    env: 'IMGSVC_COMMENT_RATE',
    flag: undefined,
    schema: z
      .string()
      .default('10/1m')
      .transform((text, ctx) => {
        const spec = parseRateSpec(text);
        if (spec === undefined) {
          ctx.addIssue({ code: 'custom', message: 'expected N/window such as 10/1m, or off' });
          return z.NEVER;
        }
        return spec;
      }),
  },
  notificationWindowSeconds: { env: 'IMGSVC_NOTIFICATION_WINDOW', flag: undefined, schema: seconds('5m') },
  notificationReclaimSeconds: {
    env: 'IMGSVC_NOTIFICATION_RECLAIM_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(3600).default(30),
  },
  /** Testing only: a pause before each recipient's update, so a test can kill the consumer mid-batch. */
  notificationApplyDelayMs: {
    env: 'IMGSVC_NOTIFICATION_APPLY_DELAY_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(10_000).default(0),
  },
} as const;
