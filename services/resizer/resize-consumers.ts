import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { pipelineBySlot } from '../redis/slot-pipeline.js';
import { claimedJobs, pairs, RESIZE_GROUP, type ResizeJob, type StreamEntry } from './job-entries.js';

export interface ConsumerInfo {
  name: string;
  pending: number;
  /** Milliseconds since the consumer last read from the group. */
  idleMs: number;
}

/**
 * The members of the resize group: each resizer's heartbeat, and the moves that hand a dead
 * one's pending jobs to the living (resize-worker.ts, dead-consumers.ts). Over every shard's stream.
 */
export class ResizeConsumers {
  constructor(
    private readonly redis: Redis,
    private readonly shards: readonly number[],
  ) {}

  /** The group's consumers (empty before the group exists): pending summed, idle the least. */
  async list(): Promise<ConsumerInfo[]> {
    const byName = new Map<string, ConsumerInfo>();
    for (const shard of this.shards) {
      const reply = (await this.redis.xinfo('CONSUMERS', redisKeys.resizeStream(shard), RESIZE_GROUP).catch(() => [])) as unknown[][];
      for (const c of reply.map(pairs)) {
        const name = String(c.name);
        const seen = byName.get(name);
        const pending = Number(c.pending ?? 0);
        const idleMs = Number(c.idle ?? 0);
        byName.set(name, seen ? { name, pending: seen.pending + pending, idleMs: Math.min(seen.idleMs, idleMs) } : { name, pending, idleMs });
      }
    }
    return [...byName.values()];
  }

  /**
   * Moves up to `count` of `from`'s pending jobs to `to`, over every shard. `minIdleMs` makes
   * two resizers claiming from the same dead consumer at once split its jobs instead of both running them.
   */
  async claimFrom(from: string, to: string, count: number, minIdleMs: number): Promise<ResizeJob[]> {
    const jobs: ResizeJob[] = [];
    for (const shard of this.shards) {
      if (jobs.length >= count) break;
      const stream = redisKeys.resizeStream(shard);
      const pending = (await this.redis.xpending(stream, RESIZE_GROUP, '-', '+', count - jobs.length, from)) as [string, string, number, number][];
      if (pending.length === 0) continue;
      const entries = (await this.redis.xclaim(stream, RESIZE_GROUP, to, minIdleMs, ...pending.map((p) => p[0]))) as StreamEntry[];
      jobs.push(...(await claimedJobs(this.redis, shard, entries)));
    }
    return jobs;
  }

  /** Removes a consumer that holds no jobs in any shard (one with pending jobs is left alone: they would be lost). */
  async deleteConsumerIfIdle(name: string): Promise<boolean> {
    for (const shard of this.shards) {
      const pending = (await this.redis.xpending(redisKeys.resizeStream(shard), RESIZE_GROUP, '-', '+', 1, name)) as unknown[];
      if (pending.length > 0) return false;
    }
    for (const shard of this.shards) await this.redis.xgroup('DELCONSUMER', redisKeys.resizeStream(shard), RESIZE_GROUP, name);
    return true;
  }

  /** Marks `consumer` alive for `ttlMs`; renewed well within that by the consumer itself. */
  async heartbeat(consumer: string, ttlMs: number): Promise<void> {
    await this.redis.set(redisKeys.resizeConsumerAlive(consumer), '1', 'PX', ttlMs);
  }

  async clearHeartbeat(consumer: string): Promise<void> {
    await this.redis.del(redisKeys.resizeConsumerAlive(consumer));
  }

  /** Which of these consumers have a live heartbeat. */
  async aliveAmong(names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const replies = await pipelineBySlot<number>(this.redis, names.map(redisKeys.resizeConsumerAlive), (p, key) => p.exists(key));
    // A failed EXISTS counts as alive: when in doubt, never take a job from a consumer.
    return new Set(names.filter((_, i) => replies[i]?.[0] !== null || replies[i]?.[1] === 1));
  }
}
