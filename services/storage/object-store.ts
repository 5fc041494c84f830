import type { Readable } from 'node:stream';

/**
 * The narrow storage interface with two real implementations (local folder, S3). Keys are
 * always derived by the service (see keys.ts), never taken from a request.
 */
export interface ObjectStore {
  readonly kind: 'fs' | 's3';
  /** Stores bytes under `key`, replacing what was there; readers see the old or the new object, never a mix. */
  put(key: string, body: Buffer | Readable, options?: PutOptions): Promise<ObjectInfo>;
  /**
   * Stores a local file under `key`. With `consume`, the store may take the file over (a
   * rename on the same filesystem) instead of copying it; the caller must not reuse the path,
   * and once the call resolves the file is gone (moved or removed), so there is nothing to clean up.
   */
  putFile(key: string, path: string, options?: PutOptions & { consume?: boolean }): Promise<ObjectInfo>;
  /** Streams an object, or the inclusive byte range of it. Throws ObjectNotFoundError. */
  get(key: string, range?: ByteRange): Promise<StoredObject>;
  /** Reads a small object whole (manifests). Throws ObjectNotFoundError. */
  getBuffer(key: string): Promise<Buffer>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under a prefix in lexicographic order, a page at a time. */
  list(prefix: string, options?: { cursor?: string; limit?: number }): Promise<ListPage>;
  /** Throws when the store cannot be used (for /readyz). */
  check(): Promise<void>;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
}

export interface ByteRange {
  start: number;
  end: number;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string | undefined;
  metadata: Record<string, string>;
  lastModified: Date;
}

export interface StoredObject extends ObjectInfo {
  body: Readable;
  /** Present when a range was asked for. */
  range: ByteRange | undefined;
}

export interface ListPage {
  keys: string[];
  /** Pass back to get the next page; absent on the last page. */
  cursor: string | undefined;
}

export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no object at ${key}`);
    this.name = 'ObjectNotFoundError';
  }
}

export class InvalidKeyError extends Error {
  constructor(key: string, why: string) {
    super(`invalid object key ${JSON.stringify(key)}: ${why}`);
    this.name = 'InvalidKeyError';
  }
}

const KEY_RE = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

/** Rejects keys that could escape the store's root or collide with its own bookkeeping. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new InvalidKeyError(key, 'expected 1 to 1024 characters');
  if (!KEY_RE.test(key)) throw new InvalidKeyError(key, 'expected letters, digits and ._-/ only, not starting with / or .');
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new InvalidKeyError(key, 'empty, "." and ".." path segments are not allowed');
    }
    if (segment.startsWith('.')) throw new InvalidKeyError(key, 'segments may not start with "."');
  }
}

export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
