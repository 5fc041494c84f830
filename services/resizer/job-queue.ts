import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';

export interface ResizeJob {
  messageId: string;
  imageId: string;
  sha256: string;
  /** How many times this message has been handed to a consumer, this time included. */
  deliveries: number;
}

export interface QueueStats {
  /** Entries not yet delivered to any consumer (what autoscaling scales on). */
  lag: number;
  /** Delivered and not yet acknowledged: running, or held by a consumer that died. */
  pending: number;
  deadLetters: number;
}

type StreamEntry = [id: string, fields: string[]];

export interface ConsumerInfo {
  name: string;
  pending: number;
  /** Milliseconds since the consumer last read from the group. */
  idleMs: number;
}

export const RESIZE_GROUP = 'resizers';

/**
 * The resize job stream and its consumer group: at-least-once delivery (a job is acknowledged
 * only after its work is stored), reclaiming of jobs whose consumer went silent, and a
 * dead-letter stream for jobs that will not succeed.
 */
export class JobQueue {
  constructor(
    private readonly redis: Redis,
    private readonly stream = redisKeys.resizeStream,
    private readonly deadStream = redisKeys.resizeDeadStream,
  ) {}

  async ensureGroup(): Promise<void> {
    try {
      // From 0, so jobs enqueued before the first resizer ever started are not skipped.
      await this.redis.xgroup('CREATE', this.stream, RESIZE_GROUP, '0', 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
  }

  async enqueue(imageId: string, sha256: string): Promise<string> {
    const id = (await this.redis.xadd(this.stream, '*', 'image', imageId, 'sha256', sha256)) as string;
    await this.redis.hset(redisKeys.resizeLive, imageId, id);
    return id;
  }

  /**
   * True when the image's last enqueued job is still in the stream (waiting, running or awaiting
   * reclaim). A sweep checking many images passes the group's last-delivered id it read once.
   */
  async hasLiveJob(imageId: string, lastDelivered?: string): Promise<boolean> {
    const id = await this.redis.hget(redisKeys.resizeLive, imageId);
    if (!id) return false;
    const entries = await this.redis.xrange(this.stream, id, id);
    if (entries.length === 0) return false;
    const pending = (await this.redis.xpending(this.stream, RESIZE_GROUP, id, id, 1)) as unknown[];
    const delivered = lastDelivered ?? (await this.lastDeliveredId());
    // Live if not yet delivered, or delivered and not acknowledged.
    return pending.length > 0 || compareIds(id, delivered) > 0;
  }

  /** The id of the newest entry the group has handed out ('0-0' before any). */
  async lastDeliveredId(): Promise<string> {
    const group = await this.groupInfo();
    return typeof group?.['last-delivered-id'] === 'string' ? group['last-delivered-id'] : '0-0';
  }

  /** XINFO GROUPS for our group, as a field map; undefined before the group exists. */
  private async groupInfo(): Promise<Record<string, unknown> | undefined> {
    const groups = (await this.redis.xinfo('GROUPS', this.stream).catch(() => [])) as unknown[][];
    return groups.map(pairs).find((g) => g.name === RESIZE_GROUP);
  }

  /** New jobs for this consumer; blocks up to `blockMs` when there are none (use a dedicated connection). */
  async read(reader: Redis, consumer: string, count: number, blockMs: number): Promise<ResizeJob[]> {
    const reply = (await reader.xreadgroup(
      'GROUP', RESIZE_GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.stream, '>',
    )) as [string, StreamEntry[]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map((entry) => toJob(entry, 1)).filter((job): job is ResizeJob => job !== undefined);
  }

  /**
   * Jobs already delivered to this consumer and not yet acknowledged. After a read that timed
   * out on our side, Redis may still have delivered its entries to us: they are pending under
   * our name, and without this they would wait out the visibility timeout.
   */
  async readOwnPending(reader: Redis, consumer: string, count: number): Promise<ResizeJob[]> {
    const reply = (await reader.xreadgroup('GROUP', RESIZE_GROUP, consumer, 'COUNT', count, 'STREAMS', this.stream, '0')) as [string, StreamEntry[]][] | null;
    const entries = reply?.[0]?.[1] ?? [];
    return entries.map((entry) => toJob(entry, 1)).filter((job): job is ResizeJob => job !== undefined);
  }

  /**
   * Takes over jobs idle longer than `minIdleMs` (their consumer died or hung), with their
   * delivery counts. Entries deleted from the stream meanwhile are acknowledged away.
   */
  async reclaim(consumer: string, minIdleMs: number, count: number): Promise<ResizeJob[]> {
    const reply = (await this.redis.xautoclaim(this.stream, RESIZE_GROUP, consumer, minIdleMs, '0-0', 'COUNT', count)) as [
      string,
      (StreamEntry | null)[],
      string[]?,
    ];
    const deleted = reply[2] ?? [];
    if (deleted.length > 0) await this.redis.xack(this.stream, RESIZE_GROUP, ...deleted);
    return this.claimedJobs(reply[1]);
  }

  /** Claimed entries as jobs, with their delivery counts; malformed ones are acknowledged away. */
  private async claimedJobs(entries: (StreamEntry | null)[]): Promise<ResizeJob[]> {
    const jobs: ResizeJob[] = [];
    for (const entry of entries) {
      if (!entry) continue;
      const detail = (await this.redis.xpending(this.stream, RESIZE_GROUP, entry[0], entry[0], 1)) as [string, string, number, number][];
      const job = toJob(entry, detail[0]?.[3] ?? 1);
      if (job) jobs.push(job);
      else await this.ack(entry[0]);
    }
    return jobs;
  }

  /** The group's consumers (empty before the group exists). */
  async consumers(): Promise<ConsumerInfo[]> {
    const reply = (await this.redis.xinfo('CONSUMERS', this.stream, RESIZE_GROUP).catch(() => [])) as unknown[][];
    return reply.map(pairs).map((c) => ({ name: String(c.name), pending: Number(c.pending ?? 0), idleMs: Number(c.idle ?? 0) }));
  }

  /**
   * Moves up to `count` of `from`'s pending jobs to `to`. `minIdleMs` makes two resizers
   * claiming from the same dead consumer at once split its jobs instead of both running them.
   */
  async claimFrom(from: string, to: string, count: number, minIdleMs: number): Promise<ResizeJob[]> {
    const pending = (await this.redis.xpending(this.stream, RESIZE_GROUP, '-', '+', count, from)) as [string, string, number, number][];
    if (pending.length === 0) return [];
    const ids = pending.map((p) => p[0]);
    const entries = (await this.redis.xclaim(this.stream, RESIZE_GROUP, to, minIdleMs, ...ids)) as StreamEntry[];
    return this.claimedJobs(entries);
  }

  /** Removes a consumer that holds no jobs (a consumer with pending jobs is left alone: they would be lost). */
  async deleteConsumerIfIdle(name: string): Promise<boolean> {
    const pending = (await this.redis.xpending(this.stream, RESIZE_GROUP, '-', '+', 1, name)) as unknown[];
    if (pending.length > 0) return false;
    await this.redis.xgroup('DELCONSUMER', this.stream, RESIZE_GROUP, name);
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
    const pipeline = this.redis.pipeline();
    for (const name of names) pipeline.exists(redisKeys.resizeConsumerAlive(name));
    const replies = (await pipeline.exec()) ?? [];
    // A failed EXISTS counts as alive: when in doubt, never take a job from a consumer.
    return new Set(names.filter((_, i) => replies[i]?.[0] !== null || replies[i]?.[1] === 1));
  }

  /** Acknowledges a job and forgets it as the image's live job (unless a newer one replaced it). */
  async ack(messageId: string, imageId?: string): Promise<void> {
    await this.redis.xack(this.stream, RESIZE_GROUP, messageId);
    if (imageId) await this.forgetLive(imageId, messageId);
  }

  private async forgetLive(imageId: string, messageId: string): Promise<void> {
    await this.redis.eval(
      "if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then return redis.call('HDEL', KEYS[1], ARGV[1]) end return 0",
      1,
      redisKeys.resizeLive,
      imageId,
      messageId,
    );
  }

  /** Moves a job to the dead-letter stream and acknowledges it, in one transaction. */
  async deadLetter(job: ResizeJob, reason: string): Promise<void> {
    await this.redis
      .multi()
      .xadd(this.deadStream, '*', 'image', job.imageId, 'sha256', job.sha256, 'reason', reason, 'deliveries', String(job.deliveries), 'failedAt', new Date().toISOString(), 'messageId', job.messageId)
      .xack(this.stream, RESIZE_GROUP, job.messageId)
      .exec();
    await this.forgetLive(job.imageId, job.messageId);
  }

  async stats(): Promise<QueueStats> {
    const [group, deadLetters] = await Promise.all([this.groupInfo(), this.redis.xlen(this.deadStream)]);
    // No group (Redis lost it): nothing is delivered, so every entry is lag; a zero would hide a stall.
    if (!group) return { lag: await this.redis.xlen(this.stream), pending: 0, deadLetters };
    // Redis 7 reports lag; when it cannot (after deletions) it is nil, and XLEN is the safe upper bound.
    const lag = group.lag === null || group.lag === undefined ? await this.redis.xlen(this.stream) : Number(group.lag);
    return { lag, pending: Number(group.pending ?? 0), deadLetters };
  }

  /** Entries every consumer is done with are dropped, so the stream does not grow forever. */
  async trim(): Promise<void> {
    const group = await this.groupInfo();
    if (!group || typeof group['last-delivered-id'] !== 'string') return;
    const pending = (await this.redis.xpending(this.stream, RESIZE_GROUP)) as [number, string | null, string | null, unknown];
    const oldestPending = pending[1];
    const floor = oldestPending ?? nextId(group['last-delivered-id']);
    await this.redis.xtrim(this.stream, 'MINID', '~', floor);
  }
}

function toJob(entry: StreamEntry, deliveries: number): ResizeJob | undefined {
  const fields = pairs(entry[1]);
  const imageId = fields.image;
  const sha256 = fields.sha256;
  if (typeof imageId !== 'string' || typeof sha256 !== 'string') return undefined;
  return { messageId: entry[0], imageId, sha256, deliveries };
}

function pairs(list: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) out[String(list[i])] = list[i + 1];
  return out;
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
