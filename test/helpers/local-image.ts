import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ImageRecord } from '../../services/images/image-record.js';
import type { SupportedFormat } from '../../services/core/image-formats.js';
import { FsObjectStore } from '../../services/storage/fs-store.js';
import { originalKey } from '../../services/storage/keys.js';
import type { ObjectStore } from '../../services/storage/object-store.js';

/** A throwaway fs object store, for tests that drive the resizer's or origin's internals. */
export async function tempStore(): Promise<{ store: FsObjectStore; dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'imgsvc-store-'));
  const store = await FsObjectStore.open(join(dir, 'objects'));
  return { store, dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Stores an original as an upload would and returns its record, without the upload API (whose
 * authentication is changing elsewhere): the one place tests seed an image this way.
 */
export async function seedOriginal(store: ObjectStore, bytes: Buffer, id = '01JAAAAAAAAAAAAAAAAAAAAAAA'): Promise<ImageRecord> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await store.put(originalKey(sha256), bytes, { contentType: 'application/octet-stream', metadata: { sha256 } });
  const meta = await sharp(bytes).metadata();
  const frameHeight = meta.pageHeight ?? meta.height;
  const swap = (meta.orientation ?? 1) >= 5;
  const now = new Date().toISOString();
  return {
    id,
    sha256,
    format: (meta.format === 'heif' ? 'avif' : meta.format) as SupportedFormat,
    width: swap ? frameHeight : meta.width,
    height: swap ? meta.width : frameHeight,
    bytes: bytes.length,
    orientation: meta.orientation ?? 1,
    hasAlpha: meta.hasAlpha ?? false,
    frames: Math.max(1, meta.pages ?? 1),
    status: 'ready',
    createdAt: now,
    updatedAt: now,
    variants: [],
    ownerId: 'test-owner',
    visibility: 'public',
    meta: { tags: [] },
    revision: 0,
  };
}
