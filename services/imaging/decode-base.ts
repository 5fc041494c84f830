import sharp, { type Sharp } from 'sharp';
import type { DecodePlan } from './decode-plan.js';
import { colour } from './steps/colour.js';
import { decode } from './steps/decode.js';
import { orient } from './steps/orient.js';
import { shrinkOnLoad } from './steps/shrink-on-load.js';
import type { TransformLimits } from './transform-limits.js';

export interface DecodedBase {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/**
 * The first half of the transform, run once per decode plan: decode (first frame, shrunk on
 * load), orient, colour, into 8-bit pixels that every variant of the plan is resized from.
 */
export async function decodeBase(source: Buffer, plan: DecodePlan, limits: TransformLimits): Promise<DecodedBase> {
  const pipeline = colour(shrinkOnLoad(orient(decode(source, limits, false)), plan));
  const { data, info } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** A sharp pipeline over the decoded pixels; `.clone()` it once per output. */
export function basePipeline(base: DecodedBase, timeoutSeconds: number): Sharp {
  return sharp(base.data, { raw: { width: base.width, height: base.height, channels: base.channels } }).timeout({
    seconds: timeoutSeconds,
  });
}
