/** Image responses never change for a URL (ids are immutable), so long TTLs are safe; a year also says `immutable`. */
export function imageCacheControl(maxAgeSeconds: number): string {
  return `public, max-age=${maxAgeSeconds}${maxAgeSeconds >= 31_536_000 ? ', immutable' : ''}`;
}
