import type { Sharp } from 'sharp';
import type { VariantSpec } from '../core/variant-spec.js';
import { basePipeline, decodeBase } from './decode-base.js';
import { INTERMEDIATE_WIDTH, planDecode } from './decode-plan.js';
import { thumbHashOf } from './placeholder.js';
import type { SourceInfo } from './source-info.js';
import { colour } from './steps/colour.js';
import { decode } from './steps/decode.js';
import { encodeAs } from './steps/encode.js';
import { orient } from './steps/orient.js';
import { resize } from './steps/resize.js';
import type { TransformLimits } from './transform-limits.js';

export interface Rendered {
  spec: VariantSpec;
  data: Buffer;
  width: number;
  /** One frame's height for animated output. */
  height: number;
  /** Time spent on this output alone (resize and encode; a shared decode is not included). */
  seconds: number;
}

export interface TransformOptions {
  /** Checked between steps: the resizer aborts a job that ran out of time or is shutting down. */
  signal?: AbortSignal;
  /** Also compute a ThumbHash placeholder, from the shared small intermediate. */
  placeholder?: boolean;
}

/**
 * The one transform, used by the resizer (every eager variant of an image at once) and the
 * origin (one variant on demand): decode with shrink-on-load, orient, colour, resize, encode.
 * Thumbnails (see `planDecode`) and the placeholder share one small intermediate, decoded once
 * and `clone()`d per output; every larger output is one pipeline from the source, so nothing
 * large is decoded into a buffer and read again. Since the plan depends only on the source and
 * the spec, one spec gives the same bytes whichever caller made it and whatever else was made
 * with it, so a variant's storage key and ETag name exactly one byte string.
 */
export async function runTransform(
  source: Buffer,
  info: SourceInfo,
  specs: readonly VariantSpec[],
  limits: TransformLimits,
  options: TransformOptions = {},
): Promise<{ outputs: Rendered[]; placeholder?: string }> {
  const outputs = new Map<VariantSpec, Rendered>();
  const small = specs.filter((s) => !s.animated && planDecode(info, s).intermediateWidth !== undefined);

  let placeholder: string | undefined;
  if (small.length > 0 || options.placeholder) {
    options.signal?.throwIfAborted();
    const base = await decodeBase(source, info, Math.min(INTERMEDIATE_WIDTH, info.width), limits);
    const pipeline = basePipeline(base, limits.timeoutSeconds);
    if (options.placeholder) placeholder = await thumbHashOf(pipeline);
    for (const spec of small) {
      options.signal?.throwIfAborted();
      outputs.set(spec, await render(spec, () => encodeAs(resize(pipeline.clone(), spec, base.width), spec)));
    }
  }

  for (const spec of specs) {
    if (outputs.has(spec)) continue;
    options.signal?.throwIfAborted();
    outputs.set(spec, await render(spec, () => encodeAs(colour(resize(orient(decode(source, limits, spec.animated, info.format)), spec, info.width)), spec)));
  }
  return { outputs: specs.map((s) => outputs.get(s)!), ...(placeholder !== undefined ? { placeholder } : {}) };
}

async function render(spec: VariantSpec, pipeline: () => Sharp): Promise<Rendered> {
  const started = process.hrtime.bigint();
  const { data, info: out } = await pipeline().toBuffer({ resolveWithObject: true });
  // Animated output reports the whole strip's height; one frame's is `pageHeight`.
  return { spec, data, width: out.width, height: spec.animated ? (out.pageHeight ?? out.height) : out.height, seconds: secondsSince(started) };
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
