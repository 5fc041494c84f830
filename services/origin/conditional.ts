/**
 * RFC 9110 §13.1.2: If-None-Match uses weak comparison, so W/"x" matches "x", and `*` matches
 * any current representation.
 */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const trimmed = header.trim();
  if (trimmed === '*') return true;
  const opaque = stripWeak(etag);
  return trimmed.split(',').some((candidate) => stripWeak(candidate.trim()) === opaque);
}

function stripWeak(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
