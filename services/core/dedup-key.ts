/**
 * What makes two uploads "the same image" (the upload answers with the existing one, and
 * reindex keeps one of two manifests that share it): the same owner and the same bytes. Two
 * owners' identical files are two images (one stored original). Every lookup, index write and
 * duplicate check goes through here.
 */
export function dedupKey(record: { ownerId: string; sha256: string }): string {
  return `${record.ownerId}:${record.sha256}`;
}

/** Of two images with the same dedup key, the one to keep: the oldest (ids sort by creation time). */
export function survivorOf(a: string, b: string): string {
  return a <= b ? a : b;
}
