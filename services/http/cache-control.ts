/** Image responses never change for a URL (ids are immutable), so long TTLs are safe; a year also says `immutable`. */
export function imageCacheControl(maxAgeSeconds: number): string {
  return `public, max-age=${maxAgeSeconds}${maxAgeSeconds >= 31_536_000 ? ', immutable' : ''}`;
}

/**
 * A private image served to a key holder, and every answer made for one caller (listings,
 * counts, their own records): no shared cache may keep it, nor a browser's disk.
 */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** What may cache something about an image: nothing shared for a private one, else `publicValue`. */
export function cacheControlFor(visibility: 'public' | 'private', publicValue: string): string {
  return visibility === 'private' ? PRIVATE_CACHE_CONTROL : publicValue;
}

/**
 * A signed URL may be cached publicly, but never past its expiry: the seconds left are floored
 * from the clock in milliseconds, so a cache never keeps it even a fraction of a second past `exp`.
 */
export function signedCacheControl(maxAgeSeconds: number, expSeconds: number, nowMs: number): string {
  return `public, max-age=${Math.max(0, Math.min(maxAgeSeconds, Math.floor((expSeconds * 1000 - nowMs) / 1000)))}`;
}
