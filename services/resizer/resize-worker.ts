import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Logger } from '../core/logger.js';
import { handleJob, type JobDeps, type JobOutcome } from './handle-job.js';
import type { JobQueue, ResizeJob } from './job-queue.js';
import type { ResizeMetrics } from './resize-metrics.js';
import { deadConsumers } from './dead-consumers.js';

export interface WorkerOptions {
  concurrency: number;
  visibilityTimeoutMs: number;
  jobTimeoutSeconds: number;
  /** How long a blocking read waits for new jobs before looping (also bounds shutdown latency). */
  blockMs?: number;
  /** Lifetime of this consumer's heartbeat; others take the jobs of a consumer whose heartbeat lapsed. */
  heartbeatTtlMs?: number;
  /** Consecutive failed reads after which the consumer reports itself unable to work (readiness, metrics). */
  unhealthyAfterFailures?: number;
  /** Wait before a delivery that failed transiently is tried once more in place (0: never). */
  quickRetryMs?: number;
}

/** A passing fault (a storage read that failed, a Redis write that timed out) costs seconds, not the visibility timeout. */
const QUICK_RETRY_MS = 2_000;

export interface ConsumerHealth {
  ok: boolean;
  error?: string;
}

/**
 * A consumer in the resize group: reads up to `concurrency` jobs at a time, reclaims jobs
 * that another consumer left idle past the visibility timeout, and on stop lets running jobs
 * finish (bounded), leaving the rest pending for other resizers.
 */
export class ResizeWorker {
  readonly consumer = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, { promise: Promise<void>; abort: AbortController }>();
  private loop: Promise<void> | undefined;
  private reclaimTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reapTimer: NodeJS.Timeout | undefined;
  private slotFreed: (() => void) | undefined;
  private consecutiveFailures = 0;
  private lastError: string | undefined;
  /** Aborted by stop(): ends the loops and cuts short the pause before an in-place retry. */
  private readonly stopped = new AbortController();
  private get stopping(): boolean {
    return this.stopped.signal.aborted;
  }

  constructor(
    private readonly queue: JobQueue,
    /** A connection of its own: XREADGROUP BLOCK holds it while waiting. */
    private readonly reader: Redis,
    private readonly deps: JobDeps,
    private readonly metrics: ResizeMetrics,
    private readonly options: WorkerOptions,
    private readonly logger: Logger,
  ) {}

  private get heartbeatTtlMs(): number {
    return this.options.heartbeatTtlMs ?? 5_000;
  }

  async start(): Promise<void> {
    await this.queue.ensureGroup();
    // Alive before the first read, so no other resizer ever sees this consumer without a heartbeat.
    await this.queue.consumers.heartbeat(this.consumer, this.heartbeatTtlMs);
    this.heartbeatTimer = setInterval(() => void this.beat(), Math.max(100, Math.floor(this.heartbeatTtlMs / 3)));
    this.reapTimer = setInterval(() => void this.reclaimFromDead(), Math.max(100, Math.floor(this.heartbeatTtlMs / 2)));
    this.loop = this.readLoop();
    const every = Math.max(50, Math.floor(this.options.visibilityTimeoutMs / 2));
    this.reclaimTimer = setInterval(() => void this.reclaimIdle(), every);
    this.logger.info({ consumer: this.consumer, concurrency: this.options.concurrency }, 'resizer started');
  }

  get activeJobs(): number {
    return this.running.size;
  }

  /** Whether this consumer can do its work: a loop that keeps failing is not ready, though the process lives. */
  health(): ConsumerHealth {
    const limit = this.options.unhealthyAfterFailures ?? 3;
    if (this.consecutiveFailures < limit) return { ok: true };
    return { ok: false, error: `reading resize jobs failed ${this.consecutiveFailures} times in a row: ${this.lastError ?? 'unknown error'}` };
  }

  /** Stop taking jobs; wait up to `timeoutMs` for running ones, then abort them (they stay pending). */
  async stop(timeoutMs: number): Promise<void> {
    this.stopped.abort();
    clearInterval(this.reclaimTimer);
    clearInterval(this.reapTimer);
    this.slotFreed?.();
    this.reader.disconnect();
    await this.loop?.catch(() => undefined);
    const all = Promise.all([...this.running.values()].map((r) => r.promise));
    const timer = setTimeout(() => {
      for (const r of this.running.values()) r.abort.abort('shutdown');
    }, timeoutMs);
    await all;
    clearTimeout(timer);
    clearInterval(this.heartbeatTimer);
    // Jobs left pending (aborted at the deadline) go to the others at once, not after the TTL.
    await this.queue.consumers.clearHeartbeat(this.consumer).catch(() => undefined);
    this.logger.info({ consumer: this.consumer }, 'resizer stopped');
  }

  private async readLoop(): Promise<void> {
    while (!this.stopping) {
      const free = this.options.concurrency - this.running.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      let jobs: ResizeJob[];
      try {
        if (this.consecutiveFailures > 0) {
          // The failed read may have been delivered after all: pick up what is pending under our name.
          for (const job of await this.queue.readOwnPending(this.reader, this.consumer, 100)) {
            if (!this.running.has(job.messageId)) this.run(job);
          }
        }
        jobs = await this.queue.read(this.reader, this.consumer, free, this.options.blockMs ?? 2_000);
        this.consecutiveFailures = 0;
      } catch (err) {
        if (this.stopping) return;
        this.consecutiveFailures++;
        this.lastError = err instanceof Error ? err.message : String(err);
        // Redis lost its data (FLUSHALL, failover to an empty replica): without the group no read can succeed.
        if (isNoGroup(err) && (await this.recreateGroup())) continue;
        this.logger.warn({ err, failures: this.consecutiveFailures }, 'reading resize jobs failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
        continue;
      }
      for (const job of jobs) this.run(job);
    }
  }

  private async reclaimIdle(): Promise<void> {
    const free = this.options.concurrency - this.running.size;
    if (this.stopping || free <= 0) return;
    try {
      const jobs = await this.queue.reclaim(this.consumer, this.options.visibilityTimeoutMs, free);
      for (const job of jobs) {
        this.logger.info({ jobId: job.messageId, imageId: job.imageId, deliveries: job.deliveries }, 'reclaimed an idle job');
        this.run(job);
      }
    } catch (err) {
      if (isNoGroup(err)) await this.recreateGroup();
      else this.logger.warn({ err }, 'reclaiming idle jobs failed');
    }
  }

  private async beat(): Promise<void> {
    try {
      await this.queue.consumers.heartbeat(this.consumer, this.heartbeatTtlMs);
    } catch (err) {
      this.logger.warn({ err }, 'renewing the resize consumer heartbeat failed');
    }
  }

  /**
   * Takes the jobs of consumers known dead (heartbeat lapsed) without waiting out the
   * visibility timeout, and removes those consumers from the group once they hold nothing.
   */
  private async reclaimFromDead(): Promise<void> {
    if (this.stopping) return;
    try {
      const consumers = await this.queue.consumers.list();
      const alive = await this.queue.consumers.aliveAmong(consumers.map((c) => c.name));
      for (const dead of deadConsumers(consumers, alive, this.consumer, this.heartbeatTtlMs)) {
        const free = this.options.concurrency - this.running.size;
        if (free > 0 && dead.pending > 0) {
          const jobs = await this.queue.consumers.claimFrom(dead.name, this.consumer, free, Math.floor(this.heartbeatTtlMs / 2));
          for (const job of jobs) {
            this.logger.info({ jobId: job.messageId, imageId: job.imageId, from: dead.name }, 'took over a job from a dead resizer');
            this.run(job);
          }
        }
        if (await this.queue.consumers.deleteConsumerIfIdle(dead.name)) this.logger.info({ removed: dead.name }, 'removed a dead resizer from the group');
      }
    } catch (err) {
      if (!isNoGroup(err)) this.logger.warn({ err }, 'reclaiming jobs of dead resizers failed');
    }
  }

  private async recreateGroup(): Promise<boolean> {
    try {
      await this.queue.ensureGroup();
      this.logger.warn({ consumer: this.consumer }, 'the resize consumer group was missing (Redis lost its data?); recreated it');
      return true;
    } catch (err) {
      this.logger.warn({ err }, 'recreating the resize consumer group failed');
      return false;
    }
  }

  private run(job: ResizeJob): void {
    if (this.running.has(job.messageId)) return;
    const abort = new AbortController();
    const deliveredAt = Date.now();
    const promise = this.attempt(job, abort.signal)
      .then(async (outcome) => {
        if (outcome !== 'failed' || !this.mayRetryInPlace(deliveredAt)) return;
        // Still this delivery (the job stays pending under this consumer), so the delivery count
        // and the dead-letter limit are those of the visibility-timeout retries.
        this.logger.info({ jobId: job.messageId, imageId: job.imageId }, 'retrying a failed resize job in place');
        if (await pause(this.quickRetryMs, this.stopped.signal)) await this.attempt(job, abort.signal);
      })
      .finally(() => {
        this.running.delete(job.messageId);
        const wake = this.slotFreed;
        this.slotFreed = undefined;
        wake?.();
      });
    this.running.set(job.messageId, { promise, abort });
  }

  private get quickRetryMs(): number {
    return this.options.quickRetryMs ?? QUICK_RETRY_MS;
  }

  /** Only well inside the visibility timeout, so no other resizer has reclaimed the job meanwhile. */
  private mayRetryInPlace(deliveredAt: number): boolean {
    if (this.stopping || this.quickRetryMs <= 0) return false;
    return Date.now() - deliveredAt + this.quickRetryMs < this.options.visibilityTimeoutMs / 2;
  }

  /** One run of the job within its time limit (stopped early by `shutdown`), counted in the metrics whatever its outcome. */
  private async attempt(job: ResizeJob, shutdown: AbortSignal): Promise<JobOutcome> {
    const started = process.hrtime.bigint();
    this.metrics.jobs.add(1, { outcome: 'started' });
    const limit = new AbortController();
    const timer = setTimeout(() => limit.abort('timeout'), this.options.jobTimeoutSeconds * 1000);
    const outcome = await handleJob(job, this.deps, AbortSignal.any([shutdown, limit.signal]))
      .catch((err: unknown): JobOutcome => {
        this.logger.error({ err, jobId: job.messageId }, 'resize job crashed; it will be retried');
        return 'failed';
      })
      .finally(() => clearTimeout(timer));
    this.metrics.jobs.add(1, { outcome });
    this.metrics.jobDuration.record(Number(process.hrtime.bigint() - started) / 1e9, { outcome });
    return outcome;
  }
}

/** True after `ms`, or false as soon as `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  return sleep(ms, undefined, { signal }).then(
    () => true,
    () => false,
  );
}

function isNoGroup(err: unknown): boolean {
  return err instanceof Error && err.message.startsWith('NOGROUP');
}
