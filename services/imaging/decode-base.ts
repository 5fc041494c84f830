import sharp, { type Sharp } from 'sharp';
import type { VariantSpec } from '../core/variant-spec.js';
import { planIntermediateLoad, planLoad, type LoadPlan } from './decode-plan.js';
import { buildPipe, type Rendition } from './pipe-step.js';
import type { SourceInfo } from './source-info.js';
import { SOURCE_TO_PIXELS } from './step-lists.js';
import type { TransformLimits } from './transform-limits.js';

export interface DecodedBase {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** A spec for pixels alone (`SOURCE_TO_PIXELS` has no encode step, so the format is never read). */
export function pixelsSpec(width: number): VariantSpec {
  return { format: 'png', width, quality: 100, animated: false };
}

/**
 * The rendition that decodes `source` to upright sRGB pixels `width` px wide, shrunk on load as
 * planned: as for a display size unless told the plan (the intermediate's, `planIntermediateLoad`).
 */
export function pixelsRendition(source: Buffer, info: SourceInfo, width: number, limits: TransformLimits, file?: string, load?: LoadPlan): Rendition {
  return { source, file, info, limits, spec: pixelsSpec(width), load: load ?? planLoad(info, info.width, width, false) };
}

/**
 * The shared small intermediate: decode (first frame, shrunk on load), orient, resize to
 * `width`, colour, as 8-bit pixels that the placeholder and every thumbnail are resized from.
 */
export async function decodeBase(source: Buffer, info: SourceInfo, width: number, limits: TransformLimits, file?: string): Promise<DecodedBase> {
  const load = planIntermediateLoad(info, info.width, width);
  const { image } = buildPipe(SOURCE_TO_PIXELS, pixelsRendition(source, info, width, limits, file, load));
  const { data, info: out } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  return { data, width: out.width, height: out.height, channels: out.channels };
}

/** A sharp pipeline over the decoded pixels; `.clone()` it once per output. */
export function basePipeline(base: DecodedBase, timeoutSeconds: number): Sharp {
  return sharp(base.data, { raw: { width: base.width, height: base.height, channels: base.channels } }).timeout({
    seconds: timeoutSeconds,
  });
}
