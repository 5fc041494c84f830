import sharp, { type Sharp } from 'sharp';
import { colour } from './steps/colour.js';
import { decode } from './steps/decode.js';
import { orient } from './steps/orient.js';
import { shrinkOnLoad } from './steps/shrink-on-load.js';
import type { SourceInfo } from './source-info.js';
import type { TransformLimits } from './transform-limits.js';

export interface DecodedBase {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/**
 * The shared small intermediate: decode (first frame, shrunk on load), orient, colour, resize
 * to `width`, as 8-bit pixels that the placeholder and every thumbnail are resized from.
 */
export async function decodeBase(source: Buffer, info: SourceInfo, width: number, limits: TransformLimits): Promise<DecodedBase> {
  const pipeline = colour(shrinkOnLoad(orient(decode(source, limits, false, info.format)), width, info.width));
  const { data, info: out } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: out.width, height: out.height, channels: out.channels };
}

/** A sharp pipeline over the decoded pixels; `.clone()` it once per output. */
export function basePipeline(base: DecodedBase, timeoutSeconds: number): Sharp {
  return sharp(base.data, { raw: { width: base.width, height: base.height, channels: base.channels } }).timeout({
    seconds: timeoutSeconds,
  });
}
