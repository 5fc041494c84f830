import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AlbumOutcome } from './upload-album.js';
import { describeFsError } from './upload-files.js';
import { errorMessage, send, type SentResponse } from './http-send.js';
import { DEFAULT_RETRY, retryDelay, type RetryPolicy } from './retry-policy.js';

export type UploadStatus = 'created' | 'existing' | 'skipped' | 'failed';

/** One line of the report: what happened to one path. */
export interface FileResult {
  file: string;
  status: UploadStatus;
  id?: string;
  url?: string;
  bytes: number;
  error?: string;
  /** With `--album`: where the image went in the album, or why it did not. */
  album?: AlbumOutcome;
  /** The service could not be reached even after the retries (not printed). */
  unreachable?: boolean;
}

export interface UploadTarget {
  base: string;
  key: string;
  /** visibility, tags: forwarded as given; the server validates them. */
  query: Record<string, string>;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
}

/** Progress hooks: bytes sent (negative when a refused attempt is rolled back), and bytes not sent because the server has them. */
export interface UploadHooks {
  onBytes(n: number): void;
  onAlreadyStored(n: number): void;
}

const CONTENT_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.jpe': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp', '.gif': 'image/gif',
  '.avif': 'image/avif', '.tif': 'image/tiff', '.tiff': 'image/tiff', '.heic': 'image/heic', '.heif': 'image/heif', '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml', '.jxl': 'image/jxl',
};

/**
 * Uploads one file unless its owner already stored those bytes: the SHA-256 is computed first
 * and asked of `HEAD /v1/images/sha256/<hex>`, so a rerun after an interruption sends nothing
 * that already arrived. Never throws: every problem becomes a `failed` result with its reason.
 */
export async function uploadOne(path: string, bytes: number, target: UploadTarget, hooks: UploadHooks): Promise<FileResult> {
  let sha: string;
  try {
    sha = await sha256File(path);
  } catch (err) {
    return { file: path, status: 'failed', bytes, error: `cannot read: ${describeFsError(err)}` };
  }
  const auth = { authorization: `Bearer ${target.key}` };
  try {
    const head = await withRetry(target, () => send('HEAD', new URL(`${target.base}/v1/images/sha256/${sha}`), auth));
    if (head.status === 200) {
      const id = String(head.headers['x-image-id'] ?? '');
      hooks.onAlreadyStored(bytes);
      return { file: path, status: 'existing', id, url: `${target.base}/i/${id}`, bytes };
    }
    if (head.status !== 404) return { file: path, status: 'failed', bytes, error: `lookup refused: ${errorMessage(head)}` };

    const query = new URLSearchParams({ ...target.query, filename: basename(path) });
    const headers = { ...auth, 'content-type': CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream', 'content-length': String(bytes) };
    let sent = 0;
    const res = await withRetry(target, () => {
      // A refused attempt is rolled back on the bar, so a retry does not count twice.
      hooks.onBytes(-sent);
      sent = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          sent += chunk.length;
          hooks.onBytes(chunk.length);
          done(null, chunk);
        },
      });
      return send('POST', new URL(`${target.base}/v1/images?${query}`), headers, createReadStream(path).pipe(counter));
    });
    if (res.status === 200 || res.status === 201) {
      const record = JSON.parse(res.text) as { id: string; url?: string };
      return { file: path, status: res.status === 201 ? 'created' : 'existing', id: record.id, url: record.url ?? `${target.base}/i/${record.id}`, bytes };
    }
    hooks.onBytes(-sent);
    return { file: path, status: 'failed', bytes, error: errorMessage(res) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'EACCES') return { file: path, status: 'failed', bytes, error: `cannot read: ${describeFsError(err)}` };
    return { file: path, status: 'failed', bytes, error: `network: ${e.code ?? e.message}`, unreachable: true };
  }
}

/** One request tried again while the answer says "later" (429, 503) or the network dropped it. */
export async function withRetry(target: UploadTarget, attempt: () => Promise<SentResponse>): Promise<SentResponse> {
  const sleep = target.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let n = 1; ; n++) {
    let res: SentResponse | undefined;
    let failure: unknown;
    try {
      res = await attempt();
    } catch (err) {
      // A file that cannot be read is not going to get better by waiting.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw err;
      failure = err;
    }
    const delay = retryDelay(res ? { status: res.status, retryAfter: header(res, 'retry-after') } : { networkError: true }, n, target.retry ?? DEFAULT_RETRY, Date.now(), Math.random());
    if (delay === undefined) {
      if (res) return res;
      throw failure;
    }
    await sleep(delay);
  }
}

function header(res: SentResponse, name: string): string | null {
  const v = res.headers[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
