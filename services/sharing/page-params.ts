import type { Request } from 'express';
import type { KeyRing } from '../access/key-ring.js';
import { badRequest } from '../core/errors.js';
import { queryString } from '../http/query-string.js';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js';

/** `limit`: 50 unless said, 1 to 200. */
export function limitOf(req: Request): number {
  const text = queryString(req, 'limit');
  if (text === undefined) return 50;
  const n = Number(text);
  if (!/^[0-9]{1,3}$/.test(text) || n < 1 || n > 200) throw badRequest('invalid_parameter', `expected an integer from 1 to 200 for limit but received ${JSON.stringify(text)}`);
  return n;
}

/** The cursor a request brings, checked against the query it is used with. */
export function cursorOf(req: Request, ring: KeyRing, digest: string): Cursor | undefined {
  const after = queryString(req, 'after');
  const before = queryString(req, 'before');
  if (after !== undefined && before !== undefined) throw badRequest('invalid_cursor', 'pass after or before, not both');
  if (after !== undefined) return decodeCursor(ring, digest, after, 'after');
  if (before !== undefined) return decodeCursor(ring, digest, before, 'before');
  return undefined;
}

/** The `nextCursor` and `prevCursor` of a page. */
export function pageCursors(ring: KeyRing, digest: string, page: { nextAfter: string | undefined; prevBefore: string | undefined }): { nextCursor: string | null; prevCursor: string | null } {
  return {
    nextCursor: page.nextAfter ? encodeCursor(ring, digest, { dir: 'after', id: page.nextAfter }) : null,
    prevCursor: page.prevBefore ? encodeCursor(ring, digest, { dir: 'before', id: page.prevBefore }) : null,
  };
}
