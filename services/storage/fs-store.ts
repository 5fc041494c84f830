import { AppError } from '../core/errors.js';
import { createReadStream, createWriteStream, constants as fsc } from 'node:fs';
import { access, copyFile, mkdir, open, readFile, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  assertValidKey,
  assertValidPrefix,
  ObjectNotFoundError,
  type ByteRange,
  type ListPage,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type StoredObject,
} from './object-store.js';

interface Sidecar {
  contentType?: string;
  metadata?: Record<string, string>;
}

/**
 * Objects as files under a root folder. Writes go to `.tmp/` and are renamed into place, so a
 * reader never sees half an object; content type and metadata live in `.meta/` sidecars. Keys
 * cannot start with "." (see assertValidKey), so neither folder can collide with a key.
 */
export class FsObjectStore implements ObjectStore {
  readonly kind = 'fs' as const;
  private readonly tmpDir: string;
  private readonly metaDir: string;
  /** Folders known to exist: most writes land in one, and mkdir on each costs a syscall that fails. */
  private readonly madeDirs = new Set<string>();

  private constructor(readonly root: string) {
    this.tmpDir = join(root, '.tmp');
    this.metaDir = join(root, '.meta');
  }

  /** Where writes are staged; what a killed process left there is swept by the runtime (sweep-temp-files.ts). */
  get stagingDir(): string {
    return this.tmpDir;
  }

  static async open(root: string): Promise<FsObjectStore> {
    const store = new FsObjectStore(root);
    await mkdir(store.tmpDir, { recursive: true });
    await mkdir(store.metaDir, { recursive: true });
    return store;
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<ObjectInfo> {
    return writing(() => this.putUnguarded(key, body, options));
  }

  async putFile(key: string, path: string, options: PutOptions & { consume?: boolean } = {}): Promise<ObjectInfo> {
    return writing(() => this.putFileUnguarded(key, path, options));
  }

  async delete(key: string): Promise<void> {
    return writing(() => this.deleteUnguarded(key));
  }

  private async putUnguarded(key: string, body: Buffer | Readable, options: PutOptions): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    const tmp = this.tmpPath();
    try {
      if (Buffer.isBuffer(body)) await writeFile(tmp, body, { flush: true });
      else await pipeline(body, createWriteStream(tmp, { flush: true }));
      return await this.commit(tmp, key, target, options);
    } catch (err) {
      // Only a failed write leaves the temporary file: after the rename it is gone (an rm would stat it twice, failing).
      await rm(tmp, { force: true });
      throw err;
    }
  }

  private async putFileUnguarded(key: string, path: string, options: PutOptions & { consume?: boolean }): Promise<ObjectInfo> {
    const target = this.pathOf(key);
    if (options.consume) {
      try {
        return await this.commit(path, key, target, options);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
        // Different filesystem: fall through to a copy.
      }
    }
    const tmp = this.tmpPath();
    try {
      await copyFile(path, tmp);
      await flushFile(tmp);
      return await this.commit(tmp, key, target, options);
    } finally {
      await rm(tmp, { force: true });
      if (options.consume) await rm(path, { force: true });
    }
  }

  async get(key: string, range?: ByteRange): Promise<StoredObject> {
    const path = this.pathOf(key);
    // Open first and stat the descriptor, so a concurrent replace cannot pair one file's
    // size with another file's bytes.
    const handle = await open(path, 'r').catch((err) => rethrowMissing(err, key));
    try {
      const st = await handle.stat();
      const sidecar = await this.readSidecar(key);
      const body = createReadStream('', {
        fd: handle,
        autoClose: true,
        ...(range ? { start: range.start, end: range.end } : {}),
      });
      return { ...toInfo(key, st.size, st.mtime, sidecar), body, range };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key)).catch((err) => rethrowMissing(err, key));
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const st = await stat(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return undefined;
      throw err;
    });
    if (!st || !st.isFile()) return undefined;
    return toInfo(key, st.size, st.mtime, await this.readSidecar(key));
  }

  private async deleteUnguarded(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
    await rm(this.sidecarPath(key), { force: true });
  }

  async list(prefix: string, options: { cursor?: string; limit?: number } = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const limit = options.limit ?? 1000;
    const slash = prefix.lastIndexOf('/');
    const startDir = slash >= 0 ? join(this.root, prefix.slice(0, slash)) : this.root;
    const keys: string[] = [];
    for await (const file of walk(startDir)) {
      const key = relative(this.root, file).split(sep).join('/');
      if (key.startsWith('.') || !key.startsWith(prefix)) continue;
      if (options.cursor !== undefined && key <= options.cursor) continue;
      keys.push(key);
    }
    keys.sort();
    const page = keys.slice(0, limit);
    return { keys: page, cursor: keys.length > limit ? page[page.length - 1] : undefined };
  }

  async check(): Promise<void> {
    await access(this.tmpDir, fsc.W_OK);
  }

  private async commit(source: string, key: string, target: string, options: PutOptions): Promise<ObjectInfo> {
    await this.ensureDir(dirname(target));
    const sidecar: Sidecar = {};
    if (options.contentType) sidecar.contentType = options.contentType;
    if (options.metadata && Object.keys(options.metadata).length > 0) sidecar.metadata = { ...options.metadata };
    if (Object.keys(sidecar).length > 0) {
      const metaPath = this.sidecarPath(key);
      const tmpMeta = this.tmpPath();
      await this.ensureDir(dirname(metaPath));
      await writeFile(tmpMeta, JSON.stringify(sidecar));
      await rename(tmpMeta, metaPath);
    } else {
      // One unlink (an earlier version of the object may have had a sidecar), not rm's two stats first.
      await unlink(this.sidecarPath(key)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
    try {
      await rename(source, target);
    } catch (err) {
      // Someone removed the folder since we cached it (a delete of the last object in it, by hand).
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !this.madeDirs.delete(dirname(target))) throw err;
      await this.ensureDir(dirname(target));
      await rename(source, target);
    }
    const st = await stat(target);
    return toInfo(key, st.size, st.mtime, sidecar);
  }

  private async ensureDir(dir: string): Promise<void> {
    if (this.madeDirs.has(dir)) return;
    await mkdir(dir, { recursive: true });
    if (this.madeDirs.size > 100_000) this.madeDirs.clear();
    this.madeDirs.add(dir);
  }

  private async readSidecar(key: string): Promise<Sidecar> {
    try {
      return JSON.parse(await readFile(this.sidecarPath(key), 'utf8')) as Sidecar;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  private pathOf(key: string): string {
    assertValidKey(key);
    return join(this.root, key);
  }

  private sidecarPath(key: string): string {
    return join(this.metaDir, `${key}.json`);
  }

  private tmpPath(): string {
    return join(this.tmpDir, randomUUID());
  }
}

function toInfo(key: string, size: number, mtime: Date, sidecar: Sidecar): ObjectInfo {
  return { key, size, contentType: sidecar.contentType, metadata: sidecar.metadata ?? {}, lastModified: mtime };
}

/**
 * What the filesystem says when it cannot take a write now (read-only, full, over quota, out
 * of descriptors, failing): the client should retry later, so a 503 with Retry-After, like S3's
 * own outages, never a 500.
 */
const UNAVAILABLE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN', 'ENOTDIR']);
const WRITE_RETRY_AFTER_SECONDS = 5;

async function writing<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== undefined && UNAVAILABLE_CODES.has(code)) {
      throw new AppError(503, 'storage_unavailable', 'storage cannot take writes right now; retry shortly', { cause: err, retryAfterSeconds: WRITE_RETRY_AFTER_SECONDS });
    }
    throw err;
  }
}

function rethrowMissing(err: NodeJS.ErrnoException, key: string): never {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR') throw new ObjectNotFoundError(key);
  throw err;
}

async function flushFile(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function* walk(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
    throw err;
  }
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}
