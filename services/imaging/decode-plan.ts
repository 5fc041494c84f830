import type { VariantSpec } from '../core/variant-spec.js';

/** Outputs needing at most this width from the source are resized from the shared intermediate. */
export const SMALL_OUTPUT_MAX = 128;
/**
 * The shared intermediate's width: at least twice every output made from it (so resizing twice
 * costs no visible sharpness: SSIM measured in bench:quality) and wider than ThumbHash's 100 px.
 */
export const INTERMEDIATE_WIDTH = 256;

export interface DecodePlan {
  /**
   * The scale the JPEG loader decodes at, as sharp chooses it for this reduction: 1/2 only from
   * 3x, 1/4 from 5x, 1/8 from 9x (it halves an exact power-of-two factor against libjpeg
   * rounding, so a 2x reduction decodes at full size; measured in bench:resize). For estimates.
   */
  shrink: number;
  /** Width the loader hands over before the final resize. */
  baseWidth: number;
  /** Set when the output comes from the shared small intermediate of this width. */
  intermediateWidth?: number;
}

/**
 * The width a spec needs from the source, as displayed: its width, or for a box that covers
 * or fills, whatever width the box's height needs. Never more than the source (no upscaling).
 */
export function neededWidth(source: { width: number; height: number }, spec: VariantSpec): number {
  let needed = spec.width;
  if (spec.height !== undefined && (spec.fit === 'cover' || spec.fit === 'fill')) {
    needed = Math.max(needed, Math.ceil((spec.height * source.width) / source.height));
  }
  return Math.min(needed, source.width);
}

/** sharp's shrink-on-load for a JPEG reduced from `from` to `to` px (src/pipeline.cc, fastShrinkOnLoad). */
export function loaderShrink(from: number, to: number): number {
  const factor = from / Math.max(1, to);
  let shrink = factor >= 8 ? 8 : factor >= 4 ? 4 : factor >= 2 ? 2 : 1;
  if (shrink > 1 && Math.floor(factor) === shrink) shrink /= 2;
  return shrink;
}

/**
 * How one spec is made. Small outputs (thumbnails) come from one intermediate at
 * INTERMEDIATE_WIDTH, decoded with shrink-on-load once and shared with the placeholder; larger
 * ones go from the source to their size in one pipeline, where sharp shrinks on load as far as
 * the reduction allows. A pure function of the source's size and the spec alone, never of what
 * else is made alongside, so the resizer and the origin write the same bytes for the same key.
 */
export function planDecode(source: { width: number; height: number }, spec: VariantSpec): DecodePlan {
  const needed = neededWidth(source, spec);
  if (needed <= SMALL_OUTPUT_MAX) {
    const intermediateWidth = Math.min(INTERMEDIATE_WIDTH, source.width);
    const shrink = loaderShrink(source.width, intermediateWidth);
    return { shrink, baseWidth: Math.ceil(source.width / shrink), intermediateWidth };
  }
  const shrink = loaderShrink(source.width, needed);
  return { shrink, baseWidth: Math.ceil(source.width / shrink) };
}
