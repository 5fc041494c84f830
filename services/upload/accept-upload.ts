import { rm } from 'node:fs/promises';
import { ReplyError } from 'ioredis';
import type { LimitFunction } from 'p-limit';
import { newImageId } from '../core/ids.js';
import { formatInfo } from '../core/image-formats.js';
import type { Logger } from '../core/logger.js';
import { unavailable } from '../core/errors.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ImageRecord } from '../images/image-record.js';
import { deleteManifest, writeManifest } from '../images/manifest-store.js';
import type { ObjectStore } from '../storage/object-store.js';
import { originalKey } from '../storage/keys.js';
import { probeImage, type ProbeLimits } from './probe-image.js';
import type { ReceivedFile } from './receive-upload.js';
import type { Visibility } from '../accounts/user.js';
import type { ImageMetadata } from '../sharing/metadata.js';

export interface UploadDeps {
  /** Bounds concurrent validation decodes: past the core count they only add contention. */
  decodeLimit: LimitFunction;
  store: ObjectStore;
  index: ImageIndex;
  limits: ProbeLimits;
  logger: Logger;
  now?: () => Date;
}

/** Who uploads, and how the new image is to be seen. */
export interface UploadOwner {
  userId: string;
  visibility: Visibility;
  meta: ImageMetadata;
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

    const probed = await deps.decodeLimit(() => probeImage(file.path, file.head, deps.limits));
    const now = (deps.now ?? (() => new Date()))();
    const record: ImageRecord = {
      id: newImageId(now.getTime()),
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
      meta: owner.meta,
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
        deps.logger.info({ imageId: record.id, sha256: record.sha256 }, 'image accepted (commit confirmed after an error)');
        return { kind: 'created', record };
      }
      if (outcome === 'not_committed' && err instanceof ReplyError) await compensate(record, deps);
      else deps.logger.warn({ imageId: record.id }, 'upload outcome unknown: keeping its manifest; reindex or the orphan sweep settles it');
      throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: err });
    }
    if (result.created) {
      deps.logger.info({ imageId: record.id, sha256: record.sha256, jobId: result.jobId }, 'image accepted');
      return { kind: 'created', record };
    }
    // Lost a race with a concurrent upload of the same bytes: theirs is the image. (A rebuild of
    // the index from storage may have just restored this very upload: then the manifest is its own.)
    if (result.existingId !== record.id) await deleteManifest(deps.store, record.id);
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

/** Asks the index, for a few seconds, whether the record was written after all. */
async function commitOutcome(record: ImageRecord, deps: UploadDeps): Promise<'committed' | 'not_committed' | 'unknown'> {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const id = await deps.index.idForSha(record.ownerId, record.sha256);
      return id === record.id ? 'committed' : 'not_committed';
    } catch {
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
    }
  }
  return 'unknown';
}

/**
 * Undo what this upload made visible: its manifest. The original stays even if this upload
 * stored it, because another owner's upload of the same bytes may be between storing and its
 * commit right now; the repair sweep removes originals nothing references after a safe age.
 */
async function compensate(record: ImageRecord, deps: UploadDeps): Promise<void> {
  try {
    await deleteManifest(deps.store, record.id);
  } catch (err) {
    deps.logger.error({ err, imageId: record.id }, 'could not undo a failed upload; an orphaned object may remain');
  }
}
