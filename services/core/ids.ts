import { newImageIdInShard } from './shards.js';

/**
 * Ids are ULIDs: 48 bits of millisecond time (so ids sort by creation and paginate cheaply) and
 * 80 bits from the CSPRNG (so ids cannot be enumerated). ULID's monotonic factory would make an
 * id created in the same millisecond as a known one its successor (random part + 1), so a
 * private image uploaded right after a public one could be found by incrementing; here an id of
 * the same millisecond adds a fresh random 64-bit step instead (core/shards.ts), so ids of one
 * process still sort by creation within a millisecond (a same-millisecond pair of comments,
 * favorites or notifications lists in order) and the next id is one of 2^64, not one.
 */
export const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;

export function newImageId(now: number = Date.now()): string {
  return newImageIdInShard(0, 1, now);
}

export function isImageId(value: string): boolean {
  return ULID_RE.test(value);
}

export function isSha256Hex(value: string): boolean {
  return SHA256_RE.test(value);
}

/** A sha256 in base64url (43 characters instead of 64): how Redis keys and records hold it. Anything else passes as is. */
export function shaToB64(sha256: string): string {
  return isSha256Hex(sha256) ? Buffer.from(sha256, 'hex').toString('base64url') : sha256;
}

export function shaFromB64(text: string): string {
  return /^[A-Za-z0-9_-]{43}$/.test(text) ? Buffer.from(text, 'base64url').toString('hex') : text;
}
