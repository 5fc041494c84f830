import type { OutputFormat } from './variant-spec.js';

/**
 * Encoder quality per format, measured, not guessed (`npm run bench:quality`, README "Quality"):
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
