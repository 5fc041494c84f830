import { z } from 'zod';

/** What an acknowledged write costs and waits for (docs/durability.md). */
export const DURABILITY_SETTINGS = {
  /**
   * Replicas that must acknowledge the upload's pivot (Redis WAIT) before it answers 201. 0: no
   * wait. Fewer acknowledging within the timeout still answers 201 (the manifest in storage is
   * the durable copy, and re-adoption restores what a failover forgets), logged and counted.
   */
  redisWaitReplicas: {
    env: 'IMGSVC_REDIS_WAIT_REPLICAS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(16).default(0),
  },
  redisWaitTimeoutMs: {
    env: 'IMGSVC_REDIS_WAIT_TIMEOUT_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(1).max(60_000).default(500),
  },
  /**
   * How long a write that depends on the index (upload, comment, favorite, album, edit) waits
   * for a rebuild in progress before answering 503 with Retry-After. 0: answer 503 at once.
   */
  indexWriteWaitMs: {
    env: 'IMGSVC_INDEX_WRITE_WAIT_MS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).max(60_000).default(3_000),
  },
  /**
   * An image nobody read or changed for this many days has its record taken out of Redis (its
   * dedup and listing entries stay; it is read from its manifest). 0: never.
   */
  recordColdDays: {
    env: 'IMGSVC_RECORD_COLD_DAYS',
    flag: undefined,
    schema: z.coerce.number().min(0).max(3650).default(7),
  },
  /** How often the cold-record pass runs (resizer role), in seconds. 0: never. */
  recordColdSweepSeconds: {
    env: 'IMGSVC_RECORD_COLD_SWEEP_SECONDS',
    flag: undefined,
    schema: z.coerce.number().int().min(0).default(3_600),
  },
} as const;
