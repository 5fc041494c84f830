import { z } from 'zod';
import type { SigningKeys } from '../core/signing-key-spec.js';
import { badRequest } from '../core/errors.js';
import { ULID_RE } from '../core/ids.js';
import { withErrorCode } from './openapi/parse-request.js';
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
  after: withErrorCode(z.string().optional().describe('nextCursor of the previous page'), 'invalid_cursor'),
  before: withErrorCode(z.string().optional().describe('prevCursor of the next page'), 'invalid_cursor'),
});

/** `owner`: whose images or albums (the caller's own unless said). */
export const ownerQuery = z.object({ owner: z.string().regex(ULID_RE, 'expected a user id for owner').optional().describe('a user id; the caller\'s own unless said (anonymous callers must say)') });

/** The page a listing was asked for, from its query parsed with `pageQuery` (the cursor checked against the query it is used with). */
export function pageRequest(query: { limit?: number | undefined; after?: string | undefined; before?: string | undefined }, ring: SigningKeys, digest: string): { limit: number; cursor: Cursor | undefined } {
  const { limit, after, before } = query;
  if (after !== undefined && before !== undefined) throw badRequest('invalid_cursor', 'pass after or before, not both');
  const cursor = after !== undefined ? decodeCursor(ring, digest, after, 'after') : before !== undefined ? decodeCursor(ring, digest, before, 'before') : undefined;
  return { limit: limit ?? 50, cursor };
}

/** The `nextCursor` and `prevCursor` of a page. */
export function pageCursors(ring: SigningKeys, digest: string, page: { nextAfter: string | undefined; prevBefore: string | undefined }): { nextCursor: string | null; prevCursor: string | null } {
  return {
    nextCursor: page.nextAfter ? encodeCursor(ring, digest, { dir: 'after', id: page.nextAfter }) : null,
    prevCursor: page.prevBefore ? encodeCursor(ring, digest, { dir: 'before', id: page.prevBefore }) : null,
  };
}
