import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two secrets of any length (compared through their hashes). */
export function tokensEqual(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}
