import type { Sharp } from 'sharp';

/** Step 3: sRGB, 8 bits per channel (CMYK, grey, 16-bit and float sources all end up here). */
export function colour(pipeline: Sharp): Sharp {
  return pipeline.toColourspace('srgb');
}
