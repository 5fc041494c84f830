import type { FileResult, UploadStatus } from './upload-types.js';

/** The machine-readable line for one file: every key present, null when it does not apply. */
export function jsonLine(r: FileResult): string {
  return `${JSON.stringify({ file: r.file, status: r.status, id: r.id ?? null, url: r.url ?? null, bytes: r.bytes, error: r.error ?? null, album: r.album ? { id: r.album.id, position: r.album.position ?? null, error: r.album.error ?? null } : null })}\n`;
}

export type Tally = Record<UploadStatus, number> & { albumFailed: number };

export function tally(results: FileResult[]): Tally {
  const t: Tally = { created: 0, existing: 0, skipped: 0, failed: 0, albumFailed: 0 };
  for (const r of results) {
    t[r.status]++;
    if (r.album?.error) t.albumFailed++;
  }
  return t;
}

/** Whether the run failed: a file not stored, or stored but not put into the album asked for. */
export function anyFailed(t: Tally): boolean {
  return t.failed > 0 || t.albumFailed > 0;
}

/** The closing line for a person, e.g. "3 uploaded, 1 already there, 1 skipped, 1 failed; 2.1 MiB sent in 1.4 s". */
export function summaryLine(t: Tally, sentBytes: number, elapsedMs: number): string {
  const album = t.albumFailed > 0 ? `, ${t.albumFailed} not added to the album` : '';
  return `imgsvc upload: ${t.created} uploaded, ${t.existing} already there, ${t.skipped} skipped, ${t.failed} failed${album}; ${formatBytes(sentBytes)} sent in ${(elapsedMs / 1000).toFixed(1)} s\n`;
}

/** A problem line for a person: the file and why. */
export function problemLine(r: FileResult): string {
  if (r.status !== 'failed' && r.status !== 'skipped' && r.album?.error) return `imgsvc upload: ${r.file} stored as ${r.id} but ${r.album.error}\n`;
  return `imgsvc upload: ${r.status === 'failed' ? 'FAILED' : 'skipped'} ${r.file}: ${r.error ?? 'no reason given'}\n`;
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
