import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';

/** The resize consumer group, the same on every shard's stream. */
export const RESIZE_GROUP = 'resizers';

export interface ResizeJob {
  messageId: string;
  imageId: string;
  sha256: string;
  /** How many times this message has been handed to a consumer, this time included. */
  deliveries: number;
  /** The shard whose stream holds it. */
  shard: number;
}

/** An entry as XREADGROUP, XCLAIM and XAUTOCLAIM return it. */
export type StreamEntry = [id: string, fields: string[]];

/** Claimed entries as jobs, with their delivery counts; malformed ones are acknowledged away. */
export async function claimedJobs(redis: Redis, shard: number, entries: (StreamEntry | null)[]): Promise<ResizeJob[]> {
  const jobs: ResizeJob[] = [];
  for (const entry of entries) {
    if (!entry) continue;
    const detail = (await redis.xpending(redisKeys.resizeStream(shard), RESIZE_GROUP, entry[0], entry[0], 1)) as [string, string, number, number][];
    const job = toJob(entry, detail[0]?.[3] ?? 1, shard);
    if (job) jobs.push(job);
    else await redis.xack(redisKeys.resizeStream(shard), RESIZE_GROUP, entry[0]);
  }
  return jobs;
}

/** An entry as a job; undefined when it lacks its fields (written by hand, or by another version). */
export function toJob(entry: StreamEntry, deliveries: number, shard: number): ResizeJob | undefined {
  const fields = pairs(entry[1]);
  const imageId = fields.image;
  const sha256 = fields.sha256;
  if (typeof imageId !== 'string' || typeof sha256 !== 'string') return undefined;
  return { messageId: entry[0], imageId, sha256, deliveries, shard };
}

/** A flat Redis reply (`[k1, v1, k2, v2, …]`) as a map. */
export function pairs(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
}
