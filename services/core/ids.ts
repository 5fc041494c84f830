import { monotonicFactory } from 'ulid';

/**
 * Image ids are ULIDs: 48 bits of millisecond time (so ids sort by creation and paginate
 * cheaply) and 80 bits of cryptographic randomness (so ids cannot be enumerated). The
 * monotonic factory keeps ids created in the same millisecond in order.
 */
const nextUlid = monotonicFactory();

const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const SHA256_RE = /^[0-9a-f]{64}$/;

export function newImageId(now: number = Date.now()): string {
  return nextUlid(now);
}

export function isImageId(value: string): boolean {
  return ULID_RE.test(value);
}

export function isSha256Hex(value: string): boolean {
  return SHA256_RE.test(value);
}
