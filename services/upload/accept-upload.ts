import { rm } from 'node:fs/promises';
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

export interface UploadDeps {
  /** Bounds concurrent validation decodes: past the core count they only add contention. */
  decodeLimit: LimitFunction;
  store: ObjectStore;
  index: ImageIndex;
  limits: ProbeLimits;
  logger: Logger;
  now?: () => Date;
}

export type UploadOutcome = { kind: 'created'; record: ImageRecord } | { kind: 'existing'; record: ImageRecord };

/**
 * The front half of the upload saga. Every step before the Redis transaction can be undone
 * (and is, on failure); the transaction that writes the record and enqueues the resize job is
 * the pivot. The received temporary file is always consumed or removed.
 */
export async function acceptUpload(file: ReceivedFile, deps: UploadDeps): Promise<UploadOutcome> {
  try {
    // Fast path for retries and duplicates: no decode, no write.
    const known = await existingRecord(file.sha256, deps);
    if (known) return { kind: 'existing', record: known };

    const probed = await deps.decodeLimit(() => probeImage(file.path, file.head, deps.limits));
    const now = (deps.now ?? (() => new Date()))();
    const record: ImageRecord = {
      id: newImageId(now.getTime()),
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
    };

    const key = originalKey(file.sha256);
    const alreadyStored = (await deps.store.head(key)) !== undefined;
    if (!alreadyStored) {
      await deps.store.putFile(key, file.path, {
        consume: true,
        contentType: formatInfo(probed.format).mime,
        metadata: { sha256: file.sha256 },
      });
    }
    await writeManifest(deps.store, record);

    let result;
    try {
      result = await deps.index.createAndEnqueue(record);
    } catch (err) {
      await compensate(record, !alreadyStored, deps);
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
    await rm(file.path, { force: true });
  }
}

async function existingRecord(sha256: string, deps: UploadDeps): Promise<ImageRecord | undefined> {
  let id: string | undefined;
  try {
    id = await deps.index.idForSha(sha256);
  } catch (err) {
    throw unavailable('index_unavailable', 'the image index is unavailable; retry the upload', { cause: err });
  }
  return id ? deps.index.get(id) : undefined;
}

/** Undo what this upload made visible in storage; an original some other record uses stays. */
async function compensate(record: ImageRecord, storedOriginal: boolean, deps: UploadDeps): Promise<void> {
  try {
    await deleteManifest(deps.store, record.id);
    if (storedOriginal) {
      const owner = await deps.index.idForSha(record.sha256).catch(() => 'unknown');
      if (!owner) await deps.store.delete(originalKey(record.sha256));
    }
  } catch (err) {
    deps.logger.error({ err, imageId: record.id }, 'could not undo a failed upload; an orphaned object may remain');
  }
}
