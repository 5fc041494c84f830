import type { RequestHandler } from 'express';
import { unavailable } from '../core/errors.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Writes whose meaning depends on the image index: uploads (dedup), edits, deletes, comments, favorites, albums. */
const GATED = /^\/v1\/(images|albums)(\/|$)/;
/** Not a write: minting signed URLs only reads the record. */
const READS = /\/signed-urls$/;

/**
 * While the index is not known intact (its sentinel missing: Redis lost it, or a rebuild from
 * storage is in progress), a write that depends on it could act on a partial picture: an upload
 * of bytes the owner already has would mint a duplicate, and the rebuild would then fold the
 * comment, favorite, album membership or edit made on it into nothing. Such writes wait for the
 * rebuild, up to `waitMs`, then answer 503 with Retry-After. Reads are not held: they fall back
 * to storage.
 */
export function indexWriteGate(confirmIntact: () => Promise<boolean>, options: { waitMs: number; pollMs?: number }): RequestHandler {
  const pollMs = options.pollMs ?? 100;
  return (req, _res, next) => {
    if (!WRITES.has(req.method) || !GATED.test(req.path) || READS.test(req.path)) return next();
    void (async () => {
      const deadline = Date.now() + options.waitMs;
      for (;;) {
        if (await confirmIntact()) return next();
        if (Date.now() >= deadline) break;
        await new Promise((r) => setTimeout(r, Math.min(pollMs, Math.max(1, deadline - Date.now()))));
      }
      next(
        unavailable('index_rebuilding', 'the image index is being rebuilt from storage; retry shortly', {
          retryAfterSeconds: Math.max(1, Math.ceil(options.waitMs / 1000)),
        }),
      );
    })().catch(next);
  };
}
