import { ulid } from 'ulid';

/**
 * Image ids are ULIDs: 48 bits of millisecond time (so ids sort by creation and paginate
 * cheaply) and 80 bits of cryptographic randomness (so ids cannot be enumerated). Every id
 * draws fresh randomness: the monotonic factory would make an id created in the same
 * millisecond as a known one its successor (random part + 1), so a private image uploaded
 * right after a public one could be found by incrementing. Ids of one millisecond therefore
 * do not sort among themselves; across milliseconds they still do.
 */
export const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
export const SHA256_RE = /^[0-9a-f]{64}$/;

export function newImageId(now: number = Date.now()): string {
  return ulid(now);
}

export function isImageId(value: string): boolean {
  return ULID_RE.test(value);
}

export function isSha256Hex(value: string): boolean {
  return SHA256_RE.test(value);
}
