import { z } from 'zod';

/**
 * Unit prices in USD for the monthly estimate. The defaults are round public list prices of
 * the common clouds (late 2026, first tiers, no discounts), there to be replaced with yours:
 * `--prices file.json` with any subset of these keys.
 */
export const DEFAULT_PRICES = {
  /** One vCPU for an hour of a general-purpose instance (pods are billed by their CPU request). */
  cpuCoreHour: 0.04,
  /** Object storage, standard class, per GB-month. */
  storageGbMonth: 0.023,
  /** Object PUTs, per 1,000. */
  objectPutsPer1000: 0.005,
  /** Managed Redis memory, per GB-month. */
  redisGbMonth: 12,
  /** Internet egress from the cloud, per GB. */
  egressGb: 0.09,
  /** CDN egress to clients, per GB. */
  cdnEgressGb: 0.02,
  /** CDN HTTPS requests, per 10,000. */
  cdnRequestsPer10k: 0.0075,
  /** Origin to CDN transfer, per GB (free within many clouds to their own CDN). */
  originToCdnGb: 0,
};

export type Prices = typeof DEFAULT_PRICES;

const pricesSchema = z.object(Object.fromEntries(Object.keys(DEFAULT_PRICES).map((k) => [k, z.number().nonnegative().optional()]))).strict();

/** Defaults overlaid with a partial file; unknown keys are refused so a typo does not pass silently. */
export function parsePrices(json: unknown): Prices {
  const parsed = pricesSchema.safeParse(json);
  if (!parsed.success) throw new Error(`bad prices: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'prices'}: ${i.message}`).join('; ')}`);
  const given = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Partial<Prices>;
  return { ...DEFAULT_PRICES, ...given };
}
