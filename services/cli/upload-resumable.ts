import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { Transform } from 'node:stream';
import { errorMessage, send, type SentResponse } from './http-send.js';
import type { FileResult, UploadHooks, UploadTarget } from './upload-types.js';
import { DEFAULT_RETRY, retryDelay } from './retry-policy.js';
import { withRetry } from './with-retry.js';

const TUS = { 'tus-resumable': '1.0.0' };
/** Answers after which the server is asked where it stands and the rest is sent: out of step, still locked by the dropped request, or busy. */
const AGAIN = new Set([409, 423, 429, 500, 502, 503, 504]);

/** tus `Upload-Metadata`: `key base64(value)` pairs. */
function tusMetadata(fields: Record<string, string>): string {
  return Object.entries(fields).map(([k, v]) => `${k} ${Buffer.from(v, 'utf8').toString('base64')}`).join(',');
}

/**
 * Uploads one large file with tus (POST /v1/uploads, then PATCHes): when the connection drops
 * mid-way, it asks the server how much arrived (HEAD) and sends only the rest, so a phone or a
 * train's Wi-Fi never starts a 40 MB photo over. Gives up after the retry policy's attempts
 * without progress. Never throws: a problem becomes a `failed` result.
 */
export async function uploadResumable(path: string, bytes: number, target: UploadTarget, hooks: UploadHooks): Promise<FileResult> {
  const auth = { authorization: `Bearer ${target.key}` };
  const policy = target.retry ?? DEFAULT_RETRY;
  const sleep = target.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const fail = (error: string, unreachable = false): FileResult => ({ file: path, status: 'failed', bytes, error, ...(unreachable ? { unreachable } : {}) });

  const created = await withRetry(target, () => send('POST', new URL(`${target.base}/v1/uploads`), { ...auth, ...TUS, 'upload-length': String(bytes), 'upload-metadata': tusMetadata({ ...target.query, filename: basename(path) }) })).catch(() => undefined);
  if (!created) return fail('network: the service could not be reached', true);
  if (created.status !== 201) return fail(errorMessage(created));
  const location = new URL(String(created.headers.location), target.base);

  let offset = 0;
  let counted = 0;
  for (let failures = 0; ; ) {
    const start = offset;
    let sent = 0;
    let res: SentResponse | undefined;
    try {
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          sent += chunk.length;
          hooks.onBytes(chunk.length);
          done(null, chunk);
        },
      });
      const body = bytes > start ? createReadStream(path, { start }).pipe(counter) : undefined;
      res = await send('PATCH', location, { ...auth, ...TUS, 'upload-offset': String(start), 'content-type': 'application/offset+octet-stream', 'content-length': String(bytes - start) }, body);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES') return fail(`cannot read: ${code}`);
    }
    counted += sent;
    if (res?.status === 204 && res.headers['imgsvc-image-id']) {
      const id = String(res.headers['imgsvc-image-id']);
      return { file: path, status: 'created', id, url: `${target.base}/i/${id}`, bytes };
    }
    if (res && res.status !== 204 && !AGAIN.has(res.status)) {
      hooks.onBytes(-counted);
      return fail(errorMessage(res));
    }
    // Dropped, or out of step: the server says how much it holds, and the rest goes next.
    const probe = await withRetry(target, () => send('HEAD', location, { ...auth, ...TUS })).catch(() => undefined);
    if (probe?.headers['imgsvc-image-id']) {
      const id = String(probe.headers['imgsvc-image-id']);
      return { file: path, status: 'created', id, url: `${target.base}/i/${id}`, bytes };
    }
    if (!probe || probe.status !== 200) {
      hooks.onBytes(-counted);
      return probe ? fail(`resumable upload lost: ${errorMessage(probe)}`) : fail('network: the service could not be reached', true);
    }
    const held = Number(probe.headers['upload-offset']);
    // Bytes the bar counted that never arrived come off it again.
    hooks.onBytes(held - start - sent);
    counted += held - start - sent;
    failures = held > offset ? 0 : failures + 1;
    offset = held;
    const delay = retryDelay({ networkError: true }, failures + 1, policy, Date.now(), Math.random());
    if (delay === undefined) {
      hooks.onBytes(-counted);
      return fail(`network: gave up after ${failures} attempts without progress`, true);
    }
    if (failures > 0) await sleep(delay);
  }
}
