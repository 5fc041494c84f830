import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.js';
import { originalKey } from './keys.js';
import type { ObjectStore } from './object-store.js';

export class OriginalCorruptError extends AppError {
  constructor(sha256: string, actual: string) {
    super(500, 'original_corrupt', 'the stored original does not match its SHA-256; it must be uploaded again', {
      details: { expected: sha256, actual },
    });
    this.name = 'OriginalCorruptError';
  }
}

/**
 * Reads an original for a transform and checks it against the SHA-256 computed at upload (its
 * key): a store that returned different bytes (bit rot, a bad restore, a misbehaving
 * compatible store) must not silently become every variant of the image.
 */
export async function readOriginal(store: ObjectStore, sha256: string): Promise<Buffer> {
  const bytes = await store.getBuffer(originalKey(sha256));
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== sha256) throw new OriginalCorruptError(sha256, actual);
  return bytes;
}
