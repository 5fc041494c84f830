import type { Sharp } from 'sharp';
import type { DecodePlan } from '../decode-plan.js';

/**
 * Reduces to the plan's base width. Right after the load (sharp applies the orientation after
 * it), so libvips decodes JPEG and WebP at 1/2, 1/4 or 1/8 scale instead of at full size.
 */
export function shrinkOnLoad(pipeline: Sharp, plan: DecodePlan): Sharp {
  return plan.shrink === 1 ? pipeline : pipeline.resize({ width: plan.baseWidth });
}
