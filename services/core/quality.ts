import type { OutputFormat } from './variant-spec.js';

/**
 * Encoder quality per format, measured, not guessed (`npm run bench:quality`, BENCHMARKS.md "Quality"):
 * mozjpeg q80 was the anchor, a setting long accepted as visually good; AVIF and WebP get the
 * lowest quality whose median full-resolution SSIM on the corpus photos at 640 and 1280 px
 * reaches it (0.980). Save-Data and 2G networks: the same against mozjpeg q60 (0.964).
 * Measured: AVIF q65 is 0.74x JPEG's bytes, WebP q85 0.92x; under Save-Data 0.64x and 0.65x.
 * JPEG is now encoded with libjpeg-turbo (issue 16: the same bytes at equal SSIM within 2–3%,
 * a ninth of the CPU), at the qualities with the anchors' SSIM (`npm run bench:encoders`:
 * q73 for mozjpeg q80, q44 for q60).
 */
export const DEFAULT_QUALITY: Readonly<Record<OutputFormat, number>> = { avif: 65, webp: 85, jpeg: 73, png: 100, gif: 100 };
export const SAVE_DATA_QUALITY: Readonly<Record<OutputFormat, number>> = { avif: 45, webp: 45, jpeg: 44, png: 100, gif: 100 };
export const MIN_QUALITY = 1;
export const MAX_QUALITY = 100;

const range = (from: number, to: number, step: number) => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);

/** Per-image qualities found by the search (on the record), and the formats it found not smaller than JPEG. */
export interface ImageQualities {
  jpeg: number;
  webp: number;
  avif: number;
  /** Not sent for this image: at the same score they were no smaller than JPEG. */
  skip?: readonly ('webp' | 'avif')[];
}

/**
 * The quality one output gets: Save-Data's table, else the image's searched quality for display
 * sizes, else the fixed table. Thumbnails keep the table (their bytes are few, and the eager ones
 * are made before the search), so eager variants and the origin agree on every key.
 */
export function qualityOf(format: OutputFormat, width: number, saveData: boolean, qualities: ImageQualities | undefined): number {
  if (saveData) return SAVE_DATA_QUALITY[format];
  if (qualities && width >= QUALITY_SEARCH.minWidth && (format === 'jpeg' || format === 'webp' || format === 'avif')) return qualities[format];
  return DEFAULT_QUALITY[format];
}

/**
 * Per-image quality (services/imaging/choose-quality.ts): one SSIM target for every format, the
 * score JPEG at the q73 anchor reaches on the median corpus photo at 640 px (0.9754; the nine
 * photos score 0.942–0.981), measured with the search's own SSIM (luma, 8×8 windows). Grids
 * bound the search: 4–5 encodes a format. JPEG never goes above the anchor.
 */
export const QUALITY_SEARCH = {
  referenceWidth: 640,
  /** Outputs narrower than this keep the fixed table. */
  minWidth: 240,
  anchor: DEFAULT_QUALITY.jpeg,
  target: 0.975,
  grid: {
    jpeg: range(40, 72, 2),
    webp: range(36, 96, 4),
    avif: range(25, 85, 4),
  },
} as const;
