import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError, badRequest, payloadTooLarge, unsupportedMediaType } from '../core/errors.js';
import { SNIFF_BYTES } from '../core/sniff-format.js';
import { watchBodyIdle } from './body-idle-timeout.js';
import { HashingLimiter } from './hashing-limiter.js';

export interface ReceivedFile {
  /** A temporary file the caller owns: it must be consumed or removed. */
  path: string;
  sha256: string;
  bytes: number;
  head: Buffer;
  filename: string | undefined;
  /** The multipart form's text fields (empty for a raw body). */
  fields: Record<string, string>;
}

export interface ReceiveOptions {
  tmpDir: string;
  maxBytes: number;
  /** A body that sends nothing for this long is cut off with 408 (its temp file removed). */
  idleTimeoutMs: number;
  /** The whole body must arrive within this long, however steadily it trickles (408). */
  totalTimeoutMs?: number | undefined;
}

/** Multipart framing around a file of exactly the limit may add this much. */
const MULTIPART_OVERHEAD = 64 * 1024;

/**
 * Streams an upload body to a temporary file, hashing and counting as it goes, never holding
 * the body in memory. Raw bodies (`image/*`, `application/octet-stream`) and multipart forms
 * (the part named `file`) are accepted. On any failure, including the client going away, the
 * temporary file is removed before the error is thrown.
 */
export async function receiveUpload(req: IncomingMessage, options: ReceiveOptions): Promise<ReceivedFile> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  const declared = req.headers['content-length'];
  if (declared !== undefined) {
    const length = Number(declared);
    const allowed = options.maxBytes + (contentType.startsWith('multipart/') ? MULTIPART_OVERHEAD : 0);
    if (length > allowed) {
      throw payloadTooLarge(`the body is ${length} bytes, over the limit of ${options.maxBytes} bytes`, {
        details: { limitBytes: options.maxBytes },
      });
    }
    if (length === 0) throw emptyBody();
  }
  if (contentType.startsWith('multipart/form-data')) return receiveMultipart(req, options);
  if (contentType.startsWith('image/') || contentType.startsWith('application/octet-stream')) {
    let limiterOf: HashingLimiter | undefined;
    const stop = watchBodyIdle(req, options.idleTimeoutMs, (err) => limiterOf?.destroy(err), options.totalTimeoutMs);
    return writeStream(req, options, undefined, (l) => (limiterOf = l)).finally(stop);
  }
  throw unsupportedMediaType(
    `expected the image as the body (Content-Type image/* or application/octet-stream) or as multipart/form-data with a part named "file"; received Content-Type ${JSON.stringify(contentType || '(none)')}`,
  );
}

async function writeStream(
  source: Readable,
  options: ReceiveOptions,
  filename: string | undefined,
  onLimiter: (limiter: HashingLimiter) => void = () => undefined,
): Promise<ReceivedFile> {
  const path = join(options.tmpDir, `upload-${randomUUID()}`);
  const limiter = new HashingLimiter(options.maxBytes, SNIFF_BYTES);
  // Failing the limiter fails the whole pipeline, which closes the file and removes it below.
  onLimiter(limiter);
  try {
    // flush: the file is fsynced before close, so a stored original survives a power cut.
    await pipeline(source, limiter, createWriteStream(path, { flush: true }));
  } catch (err) {
    await rm(path, { force: true });
    if (err instanceof AppError) throw err;
    throw new AppError(400, 'upload_interrupted', 'the upload was interrupted before the body was complete', { cause: err });
  }
  if (limiter.bytes === 0) {
    await rm(path, { force: true });
    throw emptyBody();
  }
  return { path, sha256: limiter.digestHex(), bytes: limiter.bytes, head: limiter.head, filename, fields: {} };
}

function receiveMultipart(req: IncomingMessage, options: ReceiveOptions): Promise<ReceivedFile> {
  return new Promise<ReceivedFile>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // Browsers send file names as raw UTF-8: latin1 (busboy's default) would garble them.
        defParamCharset: 'utf8',
        limits: { files: 1, fields: 32, parts: 64, fileSize: options.maxBytes, fieldSize: 64 * 1024 },
      });
    } catch (err) {
      reject(badRequest('bad_multipart', `the multipart body cannot be read: ${(err as Error).message}`));
      return;
    }
    let filePromise: Promise<ReceivedFile> | undefined;
    let fileStream: Readable | undefined;
    let settled = false;
    const fields: Record<string, string> = Object.create(null) as Record<string, string>;
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    const stopIdle = watchBodyIdle(req, options.idleTimeoutMs, (err) => {
      // With a file part open, failing it removes what was written; otherwise fail directly.
      if (fileStream && !fileStream.readableEnded) fileStream.destroy(err);
      else fail(err);
    }, options.totalTimeoutMs);
    const fail = (err: AppError) => {
      if (settled) return;
      settled = true;
      stopIdle();
      req.unpipe(parser);
      // Clean up whatever part of the file was written before failing.
      void (filePromise ?? Promise.resolve(undefined))
        .then((f) => f && rm(f.path, { force: true }), () => undefined)
        .finally(() => reject(err));
    };

    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || filePromise) {
        stream.resume();
        return;
      }
      fileStream = stream;
      stream.on('limit', () =>
        stream.destroy(payloadTooLarge(`the image is larger than the limit of ${options.maxBytes} bytes`, {
          details: { limitBytes: options.maxBytes },
        })),
      );
      filePromise = writeStream(stream, options, info.filename);
      filePromise.catch((err: unknown) => fail(err instanceof AppError ? err : badRequest('bad_multipart', 'the file part could not be read')));
    });
    parser.on('error', (err: Error) => fail(badRequest('bad_multipart', `the multipart body is malformed: ${err.message}`)));
    parser.on('close', () => {
      stopIdle();
      if (settled) return;
      if (!filePromise) {
        settled = true;
        reject(badRequest('missing_file', 'the multipart body has no part named "file"'));
        return;
      }
      filePromise.then(
        (file) => {
          settled = true;
          resolve({ ...file, fields: { ...fields } });
        },
        () => undefined,
      );
    });
    req.on('close', () => {
      if (!req.complete) fail(new AppError(400, 'upload_interrupted', 'the client went away before the body was complete'));
    });
    req.pipe(parser);
  });
}

function emptyBody(): AppError {
  return badRequest('empty_body', 'the body is empty: send the image bytes');
}
