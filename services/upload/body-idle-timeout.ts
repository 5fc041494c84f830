import type { Readable } from 'node:stream';
import { AppError } from '../core/errors.js';

/**
 * Calls `onIdle` with a 408 error when `body` delivers no bytes for `idleMs`. A client that
 * stops sending mid-body would otherwise hold a temporary file, its descriptor and a socket
 * until Node's whole-request timeout (minutes). Counting from the first call, so a client that
 * sends headers and then nothing is caught too. Returns the function that stops watching.
 */
export function watchBodyIdle(body: Readable, idleMs: number, onIdle: (err: AppError) => void, totalMs?: number): () => void {
  let timer: NodeJS.Timeout | undefined;
  // A trickle (a byte every few seconds) never trips the idle timer: the whole body has a
  // deadline too, so one client cannot hold an upload slot for as long as it likes.
  const deadline =
    totalMs === undefined
      ? undefined
      : setTimeout(() => {
          stop();
          onIdle(
            new AppError(408, 'upload_timeout', `the upload took longer than ${totalMs} ms in all; send the body faster, or retry`, {
              details: { totalTimeoutMs: totalMs },
            }),
          );
        }, totalMs);
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      stop();
      onIdle(
        new AppError(408, 'upload_timeout', `the upload sent no data for ${idleMs} ms; send the body without pausing, or retry`, {
          details: { idleTimeoutMs: idleMs },
        }),
      );
    }, idleMs);
  };
  const stop = () => {
    clearTimeout(timer);
    clearTimeout(deadline);
    body.off('data', arm);
    body.off('end', stop);
  };
  body.on('data', arm);
  // Once the whole body is in, waiting on the disk is not the client's idleness.
  body.once('end', stop);
  arm();
  return stop;
}
