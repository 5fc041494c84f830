import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { badRequest } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { SigningKeys } from '../core/signing-key-spec.js';

/** Where a page starts: after the last item seen (older ones) or before the first (newer ones). */
export interface Cursor {
  dir: 'after' | 'before';
  id: string;
}

const MAC_BYTES = 16;

function mac(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update('imgsvc-cursor\n').update(payload).digest().subarray(0, MAC_BYTES);
}

/** The query a cursor belongs to, so a cursor from another listing is refused. */
export function queryDigest(parts: Record<string, string | undefined>): string {
  return createHash('sha256').update(JSON.stringify(Object.entries(parts).sort())).digest('base64url').slice(0, 16);
}

/**
 * Opaque, tamper-evident cursors: the position and the query it belongs to, MAC'd with the
 * URL-signing key ring, so a client cannot forge a position or carry a cursor to another query.
 */
export function encodeCursor(ring: SigningKeys, query: string, c: Cursor): string {
  const payload = `${c.dir === 'after' ? 'a' : 'b'}.${c.id}.${query}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(ring.signer.secret, payload).toString('base64url')}`;
}

export function decodeCursor(ring: SigningKeys, query: string, text: string, dir: Cursor['dir']): Cursor {
  const bad = (why: string) => badRequest('invalid_cursor', `the ${dir} cursor ${why}; use nextCursor or prevCursor from a response of this same listing`);
  if (text.length > 200) throw bad('is too long');
  const [body, tag, extra] = text.split('.');
  if (!body || !tag || extra !== undefined) throw bad('is malformed');
  const payload = Buffer.from(body, 'base64url').toString('utf8');
  const presented = Buffer.from(tag, 'base64url');
  const valid = ring.keys.some((k) => {
    const expected = mac(k.secret, payload);
    return presented.length === expected.length && timingSafeEqual(presented, expected);
  });
  if (!valid) throw bad('was altered or is not from this service');
  const [d, id, q] = payload.split('.');
  if (q !== query) throw bad('belongs to another listing');
  if ((d === 'a' ? 'after' : d === 'b' ? 'before' : undefined) !== dir || !id || !isImageId(id)) throw bad('is malformed');
  return { dir, id };
}
