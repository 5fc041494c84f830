import { undecodableReason } from '../imaging/decode-check.js';
import type { Logger } from '../core/logger.js';
import { planVariants, type PlannedVariant, type Preset } from '../core/eager-presets.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import type { RecordWriter } from '../images/record-writer.js';
import { AppError } from '../core/errors.js';
import type { MemoryBudget } from '../core/memory-budget.js';
import { failureKind, firstLine } from '../imaging/transform-failure.js';
import type { TransformLimits } from '../imaging/transform-limits.js';
import { withinBudget } from '../imaging/within-budget.js';
import { OriginalCorruptError, readOriginal } from '../storage/read-original.js';
import { ObjectNotFoundError, type ObjectStore } from '../storage/object-store.js';
import type { JobQueue, ResizeJob } from './job-queue.js';
import { makeVariants } from './make-variants.js';
import { chooseQualities } from '../imaging/choose-quality.js';
import type { ImageQualities } from '../core/quality.js';

export type JobOutcome = 'succeeded' | 'skipped' | 'failed' | 'timeout' | 'dead_lettered' | 'interrupted';

export interface JobDeps {
  queue: JobQueue;
  index: ImageIndex;
  /** Writes status and variants without undoing an owner's concurrent edit. */
  writer: RecordWriter;
  store: ObjectStore;
  presets: Preset[];
  limits: TransformLimits;
  /** Shared with the origin's on-demand transforms in the same process. */
  budget: MemoryBudget;
  maxDeliveries: number;
  /** Search per-image encoder qualities (core/quality.ts) once, when the image is first made ready. */
  qualitySearch?: boolean;
  logger: Logger;
  onVariant?: (preset: string, format: string, seconds: number) => void;
}

/** A failure that no retry can fix: the job goes to the dead-letter stream at once. */
class PermanentFailure extends Error {}

/**
 * One delivery of one job. Acknowledges only after the variants, the manifest and the record
 * are stored; on a transient failure it leaves the job pending, to be reclaimed and retried
 * after the visibility timeout, until the delivery limit sends it to the dead-letter stream.
 */
export async function handleJob(job: ResizeJob, deps: JobDeps, signal: AbortSignal): Promise<JobOutcome> {
  const log = deps.logger.child({ jobId: job.messageId, imageId: job.imageId, deliveries: job.deliveries });
  const record = await deps.index.get(job.imageId);
  if (!record) {
    log.warn('job for an image with no record; dropping it');
    await deps.queue.ack(job.messageId, job.imageId);
    return 'skipped';
  }
  if (job.deliveries > deps.maxDeliveries) {
    return deadLetter(job, record, `gave up after ${job.deliveries - 1} attempts; see the resizer logs for each failure`, deps, log);
  }
  const planned = planVariants(record, deps.presets);
  if (record.status === 'ready' && (await allStored(record, planned, deps.store))) {
    // A duplicate delivery, or a repair job for an image that is whole after all.
    await deps.queue.ack(job.messageId, job.imageId);
    return 'skipped';
  }

  try {
    const original = await readOriginal(deps.store, record.sha256).catch((err: unknown) => {
      if (err instanceof ObjectNotFoundError) throw new PermanentFailure('the original is missing from storage');
      if (err instanceof OriginalCorruptError) throw new PermanentFailure('the stored original does not match its SHA-256');
      throw err;
    });
    const made = await transformWithinBudget(record, original, planned, deps, signal).catch(async (err: unknown) => {
      if (err instanceof AppError && err.code === 'over_memory_budget') {
        throw new PermanentFailure(`decoding this image needs about ${mib(err.details?.neededBytes)} MiB, over IMGSVC_TRANSFORM_MEMORY_BUDGET (${mib(deps.budget.total)} MiB)`);
      }
      const kind = failureKind(err);
      if (signal.aborted || kind === 'timeout') throw err;
      if (kind === 'undecodable') throw new PermanentFailure(`the original cannot be decoded: ${firstLine(err)}`);
      // An unclassified failure: one strict decode tells corrupt bytes (failed now, not after
      // every retry) from a passing fault (retried).
      const reason = err instanceof AppError ? undefined : await undecodableReason(original, deps.limits);
      if (reason !== undefined) throw new PermanentFailure(`the original cannot be decoded: ${reason}`);
      throw err;
    });
    const qualities = made.qualities ?? record.qualities;
    await deps.writer.update(record.id, (current) => {
      const { error: _cleared, ...rest } = current;
      return { ...rest, status: 'ready', variants: made.variants, placeholder: made.placeholder, ...(qualities ? { qualities } : {}), updatedAt: new Date().toISOString() };
    });
    await deps.queue.ack(job.messageId, job.imageId);
    log.info({ variants: made.variants.length }, 'variants ready');
    return 'succeeded';
  } catch (err) {
    if (err instanceof PermanentFailure) return deadLetter(job, record, err.message, deps, log);
    if (signal.aborted && signal.reason === 'shutdown') {
      log.info('stopped for shutdown; the job stays pending for another resizer');
      return 'interrupted';
    }
    const timedOut = failureKind(err) === 'timeout' || (signal.aborted && signal.reason === 'timeout');
    log.warn({ err }, timedOut ? 'job timed out; it will be retried' : 'job failed; it will be retried');
    return timedOut ? 'timeout' : 'failed';
  }
}

/** Every planned variant, and the quality search once, within the memory the header says they need. */
async function transformWithinBudget(record: ImageRecord, original: Buffer, planned: PlannedVariant[], deps: JobDeps, signal: AbortSignal) {
  const sha256 = record.sha256;
  const specs = planned.map((p) => p.spec);
  return withinBudget(deps.budget, original, specs, deps.limits, signal, async (source) => {
    const made = await makeVariants(sha256, original, source, planned, deps.store, {
      limits: deps.limits,
      signal,
      ...(deps.onVariant ? { onVariant: deps.onVariant } : {}),
    });
    // Once per image: a repair or a retry after the search keeps what it found.
    if (!deps.qualitySearch || record.qualities) return { ...made, qualities: undefined };
    const choice = await chooseQualities(original, source, record.hasAlpha, deps.limits, signal);
    const qualities: ImageQualities | undefined = choice && { jpeg: choice.qualities.jpeg!, webp: choice.qualities.webp!, avif: choice.qualities.avif!, ...(choice.notSmaller.length ? { skip: choice.notSmaller.filter((f) => f !== 'jpeg') as ('webp' | 'avif')[] } : {}) };
    return { ...made, qualities };
  });
}

function mib(bytes: unknown): number {
  return Math.ceil(Number(bytes) / 2 ** 20);
}

async function deadLetter(job: ResizeJob, record: ImageRecord, reason: string, deps: JobDeps, log: Logger): Promise<JobOutcome> {
  await deps.writer.update(record.id, (current) => ({ ...current, status: 'failed', error: reason, updatedAt: new Date().toISOString() }));
  await deps.queue.deadLetter(job, reason);
  log.error({ reason }, 'job dead-lettered; image marked failed');
  return 'dead_lettered';
}

async function allStored(record: ImageRecord, planned: PlannedVariant[], store: ObjectStore): Promise<boolean> {
  const keys = planned.map((p) => record.variants.find((v) => v.format === p.spec.format && v.width === p.spec.width)?.key);
  if (keys.some((k) => k === undefined)) return false;
  const heads = await Promise.all(keys.map((k) => store.head(k as string)));
  return heads.every((h) => h !== undefined);
}
