import type { Request } from 'express';
import { z } from 'zod';
import type { KeyRing } from '../access/key-ring.js';
import { badRequest } from '../core/errors.js';
import { ULID_RE } from '../core/ids.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js';

const limitText = (max: number) =>
  z
    .string({ error: (i) => `expected an integer from 1 to ${max} for limit but received ${JSON.stringify(i.input)}` })
    .refine((t) => /^[0-9]{1,4}$/.test(t) && Number(t) >= 1 && Number(t) <= max, { error: (i) => `expected an integer from 1 to ${max} for limit but received ${JSON.stringify(i.input)}` })
    .transform(Number)
    .meta({ description: `page size, 1 to ${max} (default 50)`, pattern: '^[0-9]{1,4}$' });

/** `limit` (50 unless said, 1 to 200), `after`/`before` (a page's signed cursors; not both): every cursor listing. */
export const pageQuery = z.object({
  limit: limitText(200).optional(),
  after: z.string().optional().describe('nextCursor of the previous page'),
  before: z.string().optional().describe('prevCursor of the next page'),
});

/** `owner`: whose images or albums (the caller's own unless said). */
export const ownerQuery = z.object({ owner: z.string().regex(ULID_RE, 'expected a user id for owner').optional().describe('a user id; the caller\'s own unless said (anonymous callers must say)') });

export function limitOf(req: Request): number {
  return parseQuery(pageQuery.pick({ limit: true }), req).limit ?? 50;
}

/** The cursor a request brings, checked against the query it is used with. */
export function cursorOf(req: Request, ring: KeyRing, digest: string): Cursor | undefined {
  const { after, before } = parseQuery(pageQuery.pick({ after: true, before: true }), req, { after: 'invalid_cursor', before: 'invalid_cursor' });
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
