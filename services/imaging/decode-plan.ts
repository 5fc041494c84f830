import type { VariantSpec } from '../core/variant-spec.js';

/** Outputs needing at most this width from the source are resized from the shared intermediate. */
export const SMALL_OUTPUT_MAX = 128;
/**
 * The shared intermediate's width: at least twice every output made from it (so resizing twice
 * costs no visible sharpness: SSIM measured in bench:quality) and wider than ThumbHash's 100 px.
 */
export const INTERMEDIATE_WIDTH = 256;

/** How the loader opens the source: the scale it decodes at, and whether sharp must be told. */
export interface LoadPlan {
  /** A JPEG is decoded at 1/shrink of its size (libjpeg's DCT scaling); for other formats, an estimate. */
  shrink: 1 | 2 | 4 | 8;
  /**
   * sharp would decode at less than `shrink` by itself (see `sharpJpegShrink`): the source is
   * opened from a file with the loader option `[shrink=N]`, the one way sharp passes it on.
   */
  viaFile: boolean;
}

export interface DecodePlan extends LoadPlan {
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

/**
 * The DCT scale we decode a JPEG at for a reduction from `from` to `to` px: sharp's own choice,
 * and 1/2 where sharp would decode at full size, from 2x up to 3x. libjpeg's 1/2 scale is a 4x4
 * inverse DCT of each block's lowest frequencies, a good low-pass: a 2560 px photo for 1280 px
 * decodes at 1/2 and needs no resize at all, for a third to a half of the CPU of a full-size
 * decode and lanczos3, within 0.003 SSIM of it on most photos and 0.0074 on the most detailed
 * (Elephants at 2820 px; docs/imaging.md; shrink-on-load.test.ts). Its 1/4 and
 * 1/8 scales are nearly block averages: used for a 4x or 8x reduction they cost up to 0.16 SSIM
 * on a detailed photo (Elephants at 640 px), so those keep the factor of two for lanczos3 that
 * sharp and vipsthumbnail leave.
 */
export function jpegShrink(from: number, to: number): 1 | 2 | 4 | 8 {
  const factor = from / Math.max(1, to);
  return factor >= 2 && factor < 3 ? 2 : sharpJpegShrink(from, to);
}

/**
 * sharp's own choice for the same reduction (src/pipeline.cc, fastShrinkOnLoad): the largest
 * power of two up to the factor, halved when the factor's integer part is that power itself,
 * so a 2x, 4x or 8x reduction (up to 2.99x, 4.99x, 8.99x) decodes at twice the size it needs.
 */
export function sharpJpegShrink(from: number, to: number): 1 | 2 | 4 | 8 {
  const factor = from / Math.max(1, to);
  const shrink = factor >= 8 ? 8 : factor >= 4 ? 4 : factor >= 2 ? 2 : 1;
  return shrink > 1 && Math.floor(factor) === shrink ? ((shrink / 2) as 1 | 2 | 4) : shrink;
}

/**
 * How to open a source for an output `width` px wide (no box). Only where sharp would decode at
 * a larger scale than `jpegShrink` (from 2x to 3x) is the loader told, and then what is left for
 * sharp's resize is under 1.5x, below the 3x at which sharp would reload the source itself. A box
 * (`height`) keeps sharp's own choice: its reduction factor follows the fit, which this plan does
 * not model. Progressive JPEGs gain too, if less (every scan's coefficients are decoded whatever
 * the scale; the inverse DCT and the resize are what is saved): ColorfulCups 171 → 82 ms,
 * Elephants 693 → 601 ms.
 */
export function planLoad(source: { format?: string }, sourceWidth: number, width: number, boxed: boolean): LoadPlan {
  // Other formats: the scale sharp's resize asks of WebP's loader, as an estimate of its size.
  if (source.format !== 'jpeg' || boxed) return { shrink: sharpJpegShrink(sourceWidth, width), viaFile: false };
  const shrink = jpegShrink(sourceWidth, width);
  return { shrink, viaFile: shrink > sharpJpegShrink(sourceWidth, width) };
}

/**
 * How to open a source for the shared intermediate (`INTERMEDIATE_WIDTH`): a JPEG at libjpeg's
 * smallest scale that still gives `width` px, not sharp's, which leaves a factor of two for
 * lanczos3. Every output made from the intermediate is reduced at least twice again
 * (`SMALL_OUTPUT_MAX`), which is what the factor of two buys a display size, so the intermediate
 * need not pay for it: a 2268 px photo decodes at 1/8 (not 1/4), a 1278 px one at 1/4 (not
 * 1/2), about a tenth of the intermediate's CPU, with the 50 px thumbnails at the same bytes
 * and SSIM within ±0.005 (measured: flower 13.0 → 11.8 ms, starfish 7.3 → 6.5 ms; docs/imaging.md).
 */
export function planIntermediateLoad(source: { format?: string }, sourceWidth: number, width: number): LoadPlan {
  if (source.format !== 'jpeg') return planLoad(source, sourceWidth, width, false);
  const shrink = ([8, 4, 2] as const).find((s) => Math.ceil(sourceWidth / s) >= width) ?? 1;
  return { shrink, viaFile: shrink > sharpJpegShrink(sourceWidth, width) };
}

/**
 * How one spec is made. Small outputs (thumbnails) come from one intermediate at
 * INTERMEDIATE_WIDTH, decoded with shrink-on-load once and shared with the placeholder; larger
 * ones go from the source to their size in one pipeline, shrunk on load as far as the reduction
 * allows. A pure function of the source and the spec alone, never of what else is made
 * alongside, so the resizer and the origin write the same bytes for the same key.
 */
export function planDecode(source: { width: number; height: number; format?: string }, spec: VariantSpec): DecodePlan {
  const needed = neededWidth(source, spec);
  if (needed <= SMALL_OUTPUT_MAX) {
    const intermediateWidth = Math.min(INTERMEDIATE_WIDTH, source.width);
    const load = planIntermediateLoad(source, source.width, intermediateWidth);
    return { ...load, baseWidth: Math.ceil(source.width / load.shrink), intermediateWidth };
  }
  const load = planLoad(source, source.width, needed, spec.height !== undefined);
  return { ...load, baseWidth: Math.ceil(source.width / load.shrink) };
}
