import type { Redis } from 'ioredis';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { runScript } from '../redis/scripts.js';
import { declareStep, stepKeys } from '../redis/steps.js';
import { claimedJobs, pairs, RESIZE_GROUP, toJob, type ResizeJob, type StreamEntry } from './job-entries.js';
import { ResizeConsumers } from './resize-consumers.js';

export { RESIZE_GROUP, type ResizeJob } from './job-entries.js';

export interface QueueStats {
  /** Entries not yet delivered to any consumer (what autoscaling scales on). */
  lag: number;
  /** Delivered and not yet acknowledged: running, or held by a consumer that died. */
  pending: number;
  deadLetters: number;
}

/** A blocking read waits on one shard at a time for at most this long, so a job in any shard is seen within it. */
const BLOCK_SLICE_MS = 250;

/** Enqueueing is one step in the image's shard: the job and the image's live-job entry. */
export const resizeSteps = {
  enqueue: declareStep('resize.enqueue', 'multi', (imageId: string) => [redisKeys.resizeStream(shardOf(imageId)), redisKeys.resizeLive(shardOf(imageId))]),
  deadLetter: declareStep('resize.dead-letter', 'multi', (shard: number) => [redisKeys.resizeDeadStream(shard), redisKeys.resizeStream(shard)]),
};

/**
 * The resize job streams (one per shard, each with the same consumer group): at-least-once
 * delivery (a job is acknowledged only after its work is stored), reclaiming of jobs whose
 * consumer went silent, and a dead-letter stream per shard for jobs that will not succeed.
 * Every command names one shard's stream; a consumer reads all shards in turn.
 */
export class JobQueue {
  private readonly shards: number[];
  /** Where the next blocking read waits: rotates so no shard is favoured. */
  private turn = 0;
  /** The group's consumers: who is alive, and taking over the jobs of those who are not. */
  readonly consumers: ResizeConsumers;

  constructor(private readonly redis: Redis) {
    this.shards = allShards(shardCount());
    this.consumers = new ResizeConsumers(redis, this.shards);
  }

  async ensureGroup(): Promise<void> {
    for (const shard of this.shards) {
      try {
        // From 0, so jobs enqueued before the first resizer ever started are not skipped.
        await this.redis.xgroup('CREATE', redisKeys.resizeStream(shard), RESIZE_GROUP, '0', 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
      }
    }
  }

  async enqueue(imageId: string, sha256: string): Promise<string> {
    const [stream, live] = stepKeys(resizeSteps.enqueue, imageId);
    const replies = (await this.redis.multi().xadd(stream!, '*', 'image', imageId, 'sha256', sha256).exec()) ?? [];
    const id = replies[0]?.[1] as string;
    await this.redis.hset(live!, imageId, id);
    return id;
  }

  /**
   * True when the image's last enqueued job is still in its shard's stream (waiting, running or
   * awaiting reclaim). A sweep checking many images passes the groups' last-delivered ids it read once.
   */
  async hasLiveJob(imageId: string, lastDelivered?: ReadonlyMap<number, string>): Promise<boolean> {
    const shard = shardOf(imageId);
    const stream = redisKeys.resizeStream(shard);
    const id = await this.redis.hget(redisKeys.resizeLive(shard), imageId);
    if (!id) return false;
    const entries = await this.redis.xrange(stream, id, id);
    if (entries.length === 0) return false;
    const pending = (await this.redis.xpending(stream, RESIZE_GROUP, id, id, 1)) as unknown[];
    const delivered = lastDelivered?.get(shard) ?? (await this.lastDeliveredIn(shard));
    // Live if not yet delivered, or delivered and not acknowledged.
    return pending.length > 0 || compareIds(id, delivered) > 0;
  }

  /** Per shard, the id of the newest entry the group has handed out ('0-0' before any). */
  async lastDeliveredIds(): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    for (const shard of this.shards) out.set(shard, await this.lastDeliveredIn(shard));
    return out;
  }

  private async lastDeliveredIn(shard: number): Promise<string> {
    const group = await this.groupInfo(shard);
    return typeof group?.['last-delivered-id'] === 'string' ? group['last-delivered-id'] : '0-0';
  }

  /** XINFO GROUPS for our group on one shard's stream, as a field map; undefined before the group exists. */
  private async groupInfo(shard: number): Promise<Record<string, unknown> | undefined> {
    const groups = (await this.redis.xinfo('GROUPS', redisKeys.resizeStream(shard)).catch(() => [])) as unknown[][];
    return groups.map(pairs).find((g) => g.name === RESIZE_GROUP);
  }

  /**
   * New jobs for this consumer: every shard is asked without blocking; when none has any, the
   * read blocks on one shard (in turn) for up to `blockMs`, in slices, so a job arriving in any
   * shard waits at most one slice. `reader` is a dedicated connection (a blocking read holds it).
   */
  async read(reader: Redis, consumer: string, count: number, blockMs: number): Promise<ResizeJob[]> {
    const jobs: ResizeJob[] = [];
    for (const shard of this.rotation()) {
      if (jobs.length >= count) break;
      jobs.push(...(await this.readShard(reader, shard, consumer, count - jobs.length, '>', undefined)));
    }
    if (jobs.length > 0 || blockMs <= 0) return jobs;
    const shard = this.shards[this.turn++ % this.shards.length]!;
    return this.readShard(reader, shard, consumer, count, '>', Math.min(blockMs, BLOCK_SLICE_MS));
  }

  /** Shards starting at the current turn. */
  private rotation(): number[] {
    const at = this.turn % this.shards.length;
    return [...this.shards.slice(at), ...this.shards.slice(0, at)];
  }

  private async readShard(reader: Redis, shard: number, consumer: string, count: number, from: '>' | '0', blockMs: number | undefined): Promise<ResizeJob[]> {
    const args: (string | number)[] = ['GROUP', RESIZE_GROUP, consumer, 'COUNT', count];
    if (blockMs !== undefined) args.push('BLOCK', blockMs);
    args.push('STREAMS', redisKeys.resizeStream(shard), from);
    const reply = (await (reader.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(...args)) as [string, StreamEntry[]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map((entry) => toJob(entry, 1, shard)).filter((job): job is ResizeJob => job !== undefined);
  }

  /**
   * Jobs already delivered to this consumer and not yet acknowledged, in every shard. After a
   * read that timed out on our side, Redis may still have delivered its entries to us: they are
   * pending under our name, and without this they would wait out the visibility timeout.
   */
  async readOwnPending(reader: Redis, consumer: string, count: number): Promise<ResizeJob[]> {
    const jobs: ResizeJob[] = [];
    for (const shard of this.shards) {
      if (jobs.length >= count) break;
      jobs.push(...(await this.readShard(reader, shard, consumer, count - jobs.length, '0', undefined)));
    }
    return jobs;
  }

  /**
   * Takes over jobs idle longer than `minIdleMs` (their consumer died or hung), with their
   * delivery counts, shard by shard. Entries deleted from a stream meanwhile are acknowledged away.
   */
  async reclaim(consumer: string, minIdleMs: number, count: number): Promise<ResizeJob[]> {
    const jobs: ResizeJob[] = [];
    for (const shard of this.shards) {
      if (jobs.length >= count) break;
      const stream = redisKeys.resizeStream(shard);
      const reply = (await this.redis.xautoclaim(stream, RESIZE_GROUP, consumer, minIdleMs, '0-0', 'COUNT', count - jobs.length)) as [
        string,
        (StreamEntry | null)[],
        string[]?,
      ];
      const deleted = reply[2] ?? [];
      if (deleted.length > 0) await this.redis.xack(stream, RESIZE_GROUP, ...deleted);
      jobs.push(...(await claimedJobs(this.redis, shard, reply[1])));
    }
    return jobs;
  }

  /** Acknowledges an image's job and forgets it as the image's live job (unless a newer one replaced it). */
  async ack(messageId: string, imageId: string): Promise<void> {
    const shard = shardOf(imageId);
    await this.redis.xack(redisKeys.resizeStream(shard), RESIZE_GROUP, messageId);
    await this.forgetLive(imageId, messageId);
  }

  private async forgetLive(imageId: string, messageId: string): Promise<void> {
    await runScript(this.redis, 'compareAndDeleteField', [redisKeys.resizeLive(shardOf(imageId))], [imageId, messageId]);
  }

  /** Moves a job to its shard's dead-letter stream and acknowledges it, in one transaction. */
  async deadLetter(job: ResizeJob, reason: string): Promise<void> {
    const [dead, stream] = stepKeys(resizeSteps.deadLetter, job.shard);
    await this.redis
      .multi()
      .xadd(dead!, '*', 'image', job.imageId, 'sha256', job.sha256, 'reason', reason, 'deliveries', String(job.deliveries), 'failedAt', new Date().toISOString(), 'messageId', job.messageId)
      .xack(stream!, RESIZE_GROUP, job.messageId)
      .exec();
    await this.forgetLive(job.imageId, job.messageId);
  }

  /** Lag (what autoscaling scales on), pending and dead letters, summed over the shards. */
  async stats(): Promise<QueueStats> {
    const per = await Promise.all(this.shards.map((shard) => this.statsOf(shard)));
    return per.reduce((a, b) => ({ lag: a.lag + b.lag, pending: a.pending + b.pending, deadLetters: a.deadLetters + b.deadLetters }), { lag: 0, pending: 0, deadLetters: 0 });
  }

  private async statsOf(shard: number): Promise<QueueStats> {
    const stream = redisKeys.resizeStream(shard);
    const [group, deadLetters] = await Promise.all([this.groupInfo(shard), this.redis.xlen(redisKeys.resizeDeadStream(shard))]);
    // No group (Redis lost it): nothing is delivered, so every entry is lag; a zero would hide a stall.
    if (!group) return { lag: await this.redis.xlen(stream), pending: 0, deadLetters };
    // Redis 7 reports lag; when it cannot (after deletions) it is nil, and XLEN is the safe upper bound.
    const lag = group.lag === null || group.lag === undefined ? await this.redis.xlen(stream) : Number(group.lag);
    return { lag, pending: Number(group.pending ?? 0), deadLetters };
  }

  /** Entries every consumer is done with are dropped, so the streams do not grow forever. */
  async trim(): Promise<void> {
    for (const shard of this.shards) {
      const stream = redisKeys.resizeStream(shard);
      const group = await this.groupInfo(shard);
      if (!group || typeof group['last-delivered-id'] !== 'string') continue;
      const pending = (await this.redis.xpending(stream, RESIZE_GROUP)) as [number, string | null, string | null, unknown];
      const floor = pending[1] ?? nextId(group['last-delivered-id']);
      await this.redis.xtrim(stream, 'MINID', '~', floor);
    }
  }
}

function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split('-').map(Number);
  const [bm = 0, bs = 0] = b.split('-').map(Number);
  return am !== bm ? am - bm : as - bs;
}

function nextId(id: string): string {
  const [ms = '0', seq = '0'] = id.split('-');
  return `${ms}-${Number(seq) + 1}`;
}
