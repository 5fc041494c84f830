import { z } from 'zod';
import { availableParallelism } from 'node:os';
import { byteSize } from './setting-schemas.js';
import { parseSizes } from './variant-sizes.js';

/**
 * The settings of the work on images: on-demand transforms and their bounds, the resizer's
 * consumer, and the periodic sweeps. Composed into the service's one settings table (config.ts).
 */
export const PROCESSING_SETTINGS = {
  /**
   * Sizes any URL may ask for exactly (`300,640x480,x200`); every other explicit size from an
   * unsigned URL snaps to the width ladder. Empty by default: sign the URL, or list the size
   * here or in the owner's own list (PUT /v1/me/variant-sizes).
   */
  variantSizes: {
    env: 'IMGSVC_VARIANT_SIZES',
    flag: undefined,
    schema: z
      .string()
      .default('')
      .transform((text, ctx) => {
        const parsed = parseSizes(text);
        if ('problems' in parsed) {
          for (const message of parsed.problems) ctx.addIssue({ code: 'custom', message });
          return z.NEVER;
        }
        return parsed.sizes;
      }),
  },
  /** The resizer's per-image quality search (services/imaging/choose-quality.ts); off serves the fixed table. */
  qualitySearch: {
    env: 'IMGSVC_QUALITY_SEARCH',
    flag: undefined,
    schema: z.enum(['on', 'off']).default('on').transform((v) => v === 'on'),
  },
  transformConcurrency: {
    env: 'IMGSVC_TRANSFORM_CONCURRENCY',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(256).default(() => availableParallelism()),
  },
  transformTimeoutSeconds: {
    env: 'IMGSVC_TRANSFORM_TIMEOUT_SECONDS',
    flag: undefined,
    // Whole seconds: that is what sharp's timeout takes.
    schema: z.coerce.number().int().min(1).max(3600).default(30),
  },
  transformQueue: {
    env: 'IMGSVC_TRANSFORM_QUEUE',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(100_000).default(64),
  },
  transformMemoryBudget: {
    env: 'IMGSVC_TRANSFORM_MEMORY_BUDGET',
    flag: undefined,
    schema: byteSize(1024 * 1024 * 1024),
  },
  transformFailureTtlSeconds: {
    env: 'IMGSVC_TRANSFORM_FAILURE_TTL_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(86_400).default(300),
  },
  resizeConcurrency: {
    env: 'IMGSVC_RESIZE_CONCURRENCY',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(256).default(() => availableParallelism()),
  },
  resizeMaxDeliveries: {
    env: 'IMGSVC_RESIZE_MAX_DELIVERIES',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(100).default(5),
  },
  resizeVisibilityTimeoutMs: {
    env: 'IMGSVC_RESIZE_VISIBILITY_TIMEOUT_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(100).default(120_000),
  },
  resizeHeartbeatTtlMs: {
    env: 'IMGSVC_RESIZE_HEARTBEAT_TTL_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(300).max(600_000).default(5_000),
  },
  resizeJobTimeoutSeconds: {
    env: 'IMGSVC_RESIZE_JOB_TIMEOUT_SECONDS',
    flag: undefined,
    schema: z.coerce.number().min(0.1).max(3600).default(60),
  },
  repairIntervalSeconds: {
    env: 'IMGSVC_REPAIR_INTERVAL_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).default(300),
  },
  indexCheckSeconds: {
    env: 'IMGSVC_INDEX_CHECK_SECONDS',
    flag: undefined,
    schema: z.coerce.number().min(0).max(3600).default(5),
  },
  tempSafeAgeSeconds: {
    env: 'IMGSVC_TEMP_SAFE_AGE_SECONDS',
    flag: undefined,
    // Longer than the 300 s upload request timeout, so no live upload loses its file.
    schema: z.coerce.number().int().min(301).default(900),
  },
  tempSweepIntervalSeconds: {
    env: 'IMGSVC_TEMP_SWEEP_INTERVAL_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).default(300),
  },
  orphanSafeAgeSeconds: {
    env: 'IMGSVC_ORPHAN_SAFE_AGE_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(60).default(3_600),
  },
} as const;
