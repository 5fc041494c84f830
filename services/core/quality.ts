import type { OutputFormat } from './variant-spec.js';

/**
 * Encoder quality per format, chosen by bench/quality.ts on the corpus photos: the lowest
 * setting whose median SSIM against a high-quality resize stays at or above 0.95 at the common
 * display widths (see README, "Quality"). Save-Data and 2G networks get the lowest setting
 * that stays at or above 0.90.
 */
export const DEFAULT_QUALITY: Readonly<Record<OutputFormat, number>> = { avif: 50, webp: 75, jpeg: 78, png: 100, gif: 100 };
export const SAVE_DATA_QUALITY: Readonly<Record<OutputFormat, number>> = { avif: 35, webp: 55, jpeg: 60, png: 100, gif: 100 };
export const MIN_QUALITY = 1;
export const MAX_QUALITY = 100;
