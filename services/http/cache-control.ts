/** Image responses never change for a URL (ids are immutable), so long TTLs are safe; a year also says `immutable`. */
export function imageCacheControl(maxAgeSeconds: number): string {
  return `public, max-age=${maxAgeSeconds}${maxAgeSeconds >= 31_536_000 ? ', immutable' : ''}`;
}

/** A private image served to a key holder: no shared cache may keep it, nor a browser's disk. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** A signed URL may be cached publicly, but never past its expiry. */
export function signedCacheControl(maxAgeSeconds: number, expSeconds: number, nowSeconds: number): string {
  return `public, max-age=${Math.max(0, Math.min(maxAgeSeconds, expSeconds - nowSeconds))}`;
}
