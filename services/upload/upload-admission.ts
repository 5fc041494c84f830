import type { Request, RequestHandler } from 'express';
import { clientAddress } from '../access/authenticate-request.js';
import { AppError } from '../core/errors.js';

export interface UploadSlots {
  /** Uploads at once in this process. */
  total: number;
  /** ...of which one API key may hold at most this many... */
  perKey: number;
  /** ...and one client address at most this many (whatever keys it uses). */
  perAddress: number;
}

/**
 * Admits an upload before anything is opened for it. Each upload in flight holds a socket, a
 * temp file and its descriptor; without a cap, enough slow clients exhaust the process's
 * descriptors (500 stalled uploads held 1,024) and every other request fails with EMFILE. The
 * process-wide cap alone let one key holding all 64 slots with trickling uploads give every
 * other user 503 for as long as it liked, so each key and each address has a share of its own:
 * past it, that caller (only) gets 429. Past the total: 503. Either way with Retry-After, and
 * the connection is closed, since the body is not read.
 */
export function uploadAdmission(slots: UploadSlots, onRefused: (reason: string) => void = () => undefined): RequestHandler {
  let active = 0;
  const byKey = new Map<string, number>();
  const byAddress = new Map<string, number>();
  return (req, res, next) => {
    const key = keyOf(req, res.locals.principal);
    const address = clientAddress(req);
    const refuse = (err: AppError) => {
      onRefused(err.code);
      res.setHeader('Connection', 'close');
      next(err);
    };
    if ((byKey.get(key) ?? 0) >= slots.perKey) {
      return refuse(new AppError(429, 'too_many_uploads', `this key has ${slots.perKey} uploads in progress already; wait for one to finish`, { details: { limit: slots.perKey, per: 'key', retryAfterSeconds: 5 } }));
    }
    if ((byAddress.get(address) ?? 0) >= slots.perAddress) {
      return refuse(new AppError(429, 'too_many_uploads', `this address has ${slots.perAddress} uploads in progress already; wait for one to finish`, { details: { limit: slots.perAddress, per: 'address', retryAfterSeconds: 5 } }));
    }
    if (active >= slots.total) {
      return refuse(new AppError(503, 'too_many_uploads', `this server is receiving ${slots.total} uploads already; retry in a moment`, { details: { limit: slots.total } }));
    }
    active += 1;
    bump(byKey, key, 1);
    bump(byAddress, address, 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      active -= 1;
      bump(byKey, key, -1);
      bump(byAddress, address, -1);
    };
    // 'close' fires once the response is done or the connection is gone, whichever comes first.
    res.once('close', release);
    next();
  };
}

function keyOf(_req: Request, principal: { kind: string; keyId?: string } | undefined): string {
  return principal?.kind === 'user' && principal.keyId ? principal.keyId : 'anonymous';
}

function bump(counts: Map<string, number>, name: string, by: number): void {
  const next = (counts.get(name) ?? 0) + by;
  if (next <= 0) counts.delete(name);
  else counts.set(name, next);
}
