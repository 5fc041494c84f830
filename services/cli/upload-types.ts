import type { RetryPolicy } from './retry-policy.js';

/** The shapes `imgsvc upload`'s parts share: one file's result, where it goes, the progress hooks. */
export type UploadStatus = 'created' | 'existing' | 'skipped' | 'failed';

/** One line of the report: what happened to one path. */
export interface FileResult {
  file: string;
  status: UploadStatus;
  id?: string;
  url?: string;
  bytes: number;
  error?: string;
  /** With `--album`: where the image went in the album, or why it did not. */
  album?: AlbumOutcome;
  /** The service could not be reached even after the retries (not printed). */
  unreachable?: boolean;
}

export interface UploadTarget {
  base: string;
  key: string;
  /** visibility, tags: forwarded as given; the server validates them. */
  query: Record<string, string>;
  retry?: RetryPolicy;
  sleep?: (ms: number) => Promise<void>;
  /** Files larger than this many bytes go through the resumable (tus) endpoint. */
  resumableAbove?: number;
}

/** Progress hooks: bytes sent (negative when a refused attempt is rolled back), and bytes not sent because the server has them. */
export interface UploadHooks {
  onBytes(n: number): void;
  onAlreadyStored(n: number): void;
}

/** What the line of one file says about the album: its position there, or why it is not in it. */
export interface AlbumOutcome {
  id: string;
  position?: number;
  error?: string;
}
