import type { RequestHandler } from 'express';
import { AppError } from '../core/errors.js';

/**
 * Admits at most `max` uploads at once in this process, before anything is opened for them.
 * Each upload in flight holds a socket, a temp file and its descriptor; without a cap, enough
 * slow clients exhaust the process's descriptors (500 stalled uploads held 1,024) and every
 * other request fails with EMFILE. Past the cap: 503 with Retry-After, and the connection is
 * closed, since the body is not read.
 */
export function uploadAdmission(max: number, onRefused: () => void = () => undefined): RequestHandler {
  let active = 0;
  return (_req, res, next) => {
    if (active >= max) {
      onRefused();
      res.setHeader('Connection', 'close');
      next(new AppError(503, 'too_many_uploads', `this server is receiving ${max} uploads already; retry in a moment`, { details: { limit: max } }));
      return;
    }
    active += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      active -= 1;
    };
    // 'close' fires once the response is done or the connection is gone, whichever comes first.
    res.once('close', release);
    next();
  };
}
