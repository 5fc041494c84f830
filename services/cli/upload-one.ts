import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FileResult, UploadHooks, UploadTarget } from './upload-types.js';
import { withRetry } from './with-retry.js';
import { describeFsError } from './upload-files.js';
import { errorMessage, send } from './http-send.js';
import { uploadResumable } from './upload-resumable.js';

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
    if (target.resumableAbove !== undefined && bytes > target.resumableAbove) return await uploadResumable(path, bytes, target, hooks);

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

async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}
