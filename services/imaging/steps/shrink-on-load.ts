import type { Sharp } from 'sharp';

/**
 * Reduces to `width` straight after the load, which is what lets libvips decode JPEG at 1/2,
 * 1/4 or 1/8 scale and WebP at any scale instead of at full size (sharp picks the factor).
 */
export function shrinkOnLoad(pipeline: Sharp, width: number, sourceWidth: number): Sharp {
  return width >= sourceWidth ? pipeline : pipeline.resize({ width });
}
