import { rm } from 'node:fs/promises';
import { ReplyError } from 'ioredis';
import type { LimitFunction } from 'p-limit';
import { newImageIdInShard } from '../core/shards.js';
import { formatInfo } from '../core/image-formats.js';
import type { Logger } from '../core/logger.js';
import { unavailable } from '../core/errors.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { dedupKey } from '../core/dedup-key.js';
import { dedupShard, shardCount } from '../redis/keys.js';
import { deleteManifest, writeManifest } from '../images/manifest-store.js';
import { deleteOriginalRef, storedImageOf, writeOriginalRef } from '../images/original-refs.js';
import type { ReadoptOutcome } from '../images/readopt.js';
import type { ObjectStore } from '../storage/object-store.js';
import { originalKey } from '../storage/keys.js';
import { probeImage, type ProbeLimits } from './probe-image.js';
import { readExif } from './read-exif.js';
import type { ReceivedFile } from './receive-upload.js';
import type { Visibility } from '../accounts/user.js';
import type { ImageMetadata } from '../images/metadata.js';

export interface UploadDeps {
  /** Bounds concurrent validation decodes: past the core count they only add contention. */
  decodeLimit: LimitFunction;
  store: ObjectStore;
  index: ImageIndex;
  limits: ProbeLimits;
  logger: Logger;
  now?: () => Date;
  /**
   * Puts an image the index lost back (images/readopt.ts). With it, an upload whose dedup lookup
   * misses in Redis asks storage before minting a new id, so re-uploading bytes whose image a
   * failover forgot gives that image back instead of a duplicate.
   */
  readopt?: (record: ImageRecord) => Promise<ReadoptOutcome>;
  /** Runs after the pivot committed, before the answer (the replica acknowledgement wait, upload/replica-wait.ts). */
  afterPivot?: (record: ImageRecord) => Promise<void>;
}

/** Who uploads, and how the new image is to be seen. */
export interface UploadOwner {
  userId: string;
  visibility: Visibility;
  meta: ImageMetadata;
  /** The owner's setting: keep the GPS position found in EXIF (off unless they turned it on). */
  shareLocation?: boolean;
}

export type UploadOutcome = { kind: 'created'; record: ImageRecord } | { kind: 'existing'; record: ImageRecord };

/**
 * The front half of the upload saga. Every step before the Redis transaction can be undone
 * (and is, on failure); the transaction that writes the record and enqueues the resize job is
 * the pivot. The received temporary file is always consumed or removed.
 */
export async function acceptUpload(file: ReceivedFile, owner: UploadOwner, deps: UploadDeps): Promise<UploadOutcome> {
  let consumed = false;
  try {
    // Fast path for retries and duplicates: no decode, no write.
    const known = await existingRecord(owner.userId, file.sha256, deps);
    if (known) return { kind: 'existing', record: known };
    const stored = deps.readopt ? await storedImage(owner.userId, file.sha256, deps) : undefined;
    if (stored) return { kind: 'existing', record: stored };

    const probed = await deps.decodeLimit(() => probeImage(file.path, file.head, deps.limits));
    // What the uploader said wins; EXIF fills the gaps. Variants are stripped of EXIF as before.
    const exif = await readExif(probed.bytes, deps.logger);
    const meta: ImageMetadata = { ...owner.meta };
    if (meta.takenAt === undefined && exif.takenAt) meta.takenAt = exif.takenAt;
    if (meta.location === undefined && owner.shareLocation === true && exif.location) meta.location = exif.location;
    const now = (deps.now ?? (() => new Date()))();
    const record: ImageRecord = {
      // Minted into the shard of this owner's dedup entry for these bytes: the pivot is one slot.
      id: newImageIdInShard(dedupShard(dedupKey({ ownerId: owner.userId, sha256: file.sha256 })), shardCount(), now.getTime()),
      ownerId: owner.userId,
      visibility: owner.visibility,
      sha256: file.sha256,
      format: probed.format,
      width: probed.width,
      height: probed.height,
      bytes: file.bytes,
      orientation: probed.orientation,
      hasAlpha: probed.hasAlpha,
      frames: probed.frames,
      status: 'processing',
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      variants: [],
      meta,
      revision: 0,
    };

    const key = originalKey(file.sha256);
    const alreadyStored = (await deps.store.head(key)) !== undefined;
    if (!alreadyStored) {
      await deps.store.putFile(key, file.path, {
        consume: true,
        contentType: formatInfo(probed.format).mime,
        metadata: { sha256: file.sha256 },
      });
      consumed = true;
    }
    // The reference first: from the manifest's first moment, storage says it uses this original.
    await writeOriginalRef(deps.store, record);
    await writeManifest(deps.store, record);

    let result;
    try {
      result = await deps.index.createAndEnqueue(record, owner.userId);
    } catch (err) {
      // Unless Redis answered with an error (the script did not run), the outcome is unknown: a
      // command that timed out may still run when Redis wakes up. Find out before undoing
      // anything, and undo nothing that may yet be committed.
      const outcome = await commitOutcome(record, deps);
      if (outcome === 'committed') {
        await deps.afterPivot?.(record);
        deps.logger.info({ imageId: record.id, sha256: record.sha256 }, 'image accepted (commit confirmed after an error)');
        return { kind: 'created', record };
      }
      if (outcome === 'not_committed' && err instanceof ReplyError) await compensate(record, deps);
      else deps.logger.warn({ imageId: record.id }, 'upload outcome unknown: keeping its manifest; reindex or the orphan sweep settles it');
      throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: err });
    }
    if (result.created) {
      await deps.afterPivot?.(record);
      deps.logger.info({ imageId: record.id, sha256: record.sha256, jobId: result.jobId }, 'image accepted');
      return { kind: 'created', record };
    }
    // Lost a race with a concurrent upload of the same bytes: theirs is the image. (A rebuild of
    // the index from storage may have just restored this very upload: then the manifest is its own.)
    if (result.existingId !== record.id) await removeOwnWrite(record, deps.store);
    const winner = await deps.index.get(result.existingId);
    if (!winner) throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload');
    return { kind: 'existing', record: winner };
  } finally {
    // A consumed file was moved into storage (or removed by the store on failure): nothing to remove.
    if (!consumed) await rm(file.path, { force: true });
  }
}

async function existingRecord(ownerId: string, sha256: string, deps: UploadDeps): Promise<ImageRecord | undefined> {
  let id: string | undefined;
  try {
    id = await deps.index.idForSha(ownerId, sha256);
  } catch (err) {
    throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: err });
  }
  return id ? deps.index.get(id) : undefined;
}

/**
 * Asks the index, for a moment, whether the record was written after all. Bounded by
 * COMMIT_CHECK_MS: when the pivot's primary is dead (a cluster failover takes seconds) the
 * client is better served by a quick 503, and an unknown outcome is safe: the manifest stays,
 * and the client's retry finds the image through the dedup entry or re-adopts it from storage.
 */
async function commitOutcome(record: ImageRecord, deps: UploadDeps): Promise<'committed' | 'not_committed' | 'unknown'> {
  const deadline = Date.now() + COMMIT_CHECK_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      const id = await deps.index.idForSha(record.ownerId, record.sha256);
      return id === record.id ? 'committed' : 'not_committed';
    } catch {
      const pause = 200 * attempt;
      if (Date.now() + pause > deadline) return 'unknown';
      await new Promise((r) => setTimeout(r, pause));
    }
  }
}
const COMMIT_CHECK_MS = 1_500;

/**
 * Undo what this upload made visible: its manifest. The original stays even if this upload
 * stored it, because another owner's upload of the same bytes may be between storing and its
 * commit right now; the repair sweep removes originals nothing references after a safe age.
 */
async function compensate(record: ImageRecord, deps: UploadDeps): Promise<void> {
  try {
    await removeOwnWrite(record, deps.store);
  } catch (err) {
    deps.logger.error({ err, imageId: record.id }, 'could not undo a failed upload; an orphaned object may remain');
  }
}

/** The one place a manifest is deleted for want of a record: by the upload that wrote it, after Redis refused its pivot. */
async function removeOwnWrite(record: ImageRecord, store: ObjectStore): Promise<void> {
  await deleteManifest(store, record.id);
  await deleteOriginalRef(store, record);
}

/** The owner's image of these bytes that storage has and the index lost, put back; undefined when there is none. */
async function storedImage(ownerId: string, sha256: string, deps: UploadDeps): Promise<ImageRecord | undefined> {
  // A storage failure here answers as one (storage_unavailable); only the index's is wrapped.
  const stored = await storedImageOf(deps.store, ownerId, sha256);
  if (!stored || !deps.readopt) return undefined;
  try {
    const outcome = await deps.readopt(stored);
    deps.logger.warn({ imageId: outcome.record.id, outcome: outcome.kind }, 'an upload found its bytes\' image in storage, not in the index: re-adopted it');
    return outcome.record;
  } catch (err) {
    throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: err });
  }
}
