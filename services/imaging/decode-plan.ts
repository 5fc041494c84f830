import type { VariantSpec } from '../core/variant-spec.js';

/** JPEG and WebP can decode at 1/2, 1/4 or 1/8 scale; libvips does it when a reduce follows the load. */
const MAX_SHRINK = 8;

export interface DecodePlan {
  /** Power-of-two reduction applied while decoding: 1, 2, 4 or 8. */
  shrink: number;
  /** Width of the decoded base every variant of this plan is resized from. */
  baseWidth: number;
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
 * The smallest decode that serves the spec: the largest power-of-two shrink that still leaves
 * at least the needed width. A pure function of the source's size and the spec alone, never of
 * which other variants are made alongside, so the resizer (many specs per decode) and the
 * origin (one) resize the same base pixels and write the same bytes for the same key.
 */
export function planDecode(source: { width: number; height: number }, spec: VariantSpec): DecodePlan {
  const needed = neededWidth(source, spec);
  let shrink = 1;
  while (shrink < MAX_SHRINK && Math.ceil(source.width / (shrink * 2)) >= needed) shrink *= 2;
  return { shrink, baseWidth: Math.ceil(source.width / shrink) };
}
