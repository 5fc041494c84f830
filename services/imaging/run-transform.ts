import type { VariantSpec } from '../core/variant-spec.js';
import { basePipeline, decodeBase } from './decode-base.js';
import { planDecode } from './decode-plan.js';
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
  /** Also compute a ThumbHash placeholder, from the smallest decoded base. */
  placeholder?: boolean;
}

/**
 * The one transform, used by the resizer (every eager variant of an image at once) and the
 * origin (one variant on demand): decode with shrink-on-load, orient, colour, resize, encode.
 * Still outputs are grouped by decode plan; each plan is decoded once and `clone()`d per
 * output. Since the plan depends only on the source and the spec, one spec gives the same bytes
 * whichever caller made it and whatever else was made with it, so a variant's storage key and
 * ETag name exactly one byte string.
 */
export async function runTransform(
  source: Buffer,
  info: SourceInfo,
  specs: readonly VariantSpec[],
  limits: TransformLimits,
  options: TransformOptions = {},
): Promise<{ outputs: Rendered[]; placeholder?: string }> {
  const outputs = new Map<VariantSpec, Rendered>();
  const groups = new Map<number, VariantSpec[]>();
  for (const spec of specs) {
    if (spec.animated) continue;
    const { shrink } = planDecode(info, spec);
    groups.set(shrink, [...(groups.get(shrink) ?? []), spec]);
  }

  let placeholder: string | undefined;
  const smallestFirst = [...groups.keys()].sort((a, b) => b - a);
  for (const shrink of smallestFirst) {
    options.signal?.throwIfAborted();
    const group = groups.get(shrink) ?? [];
    const base = await decodeBase(source, planDecode(info, group[0]!), limits);
    const pipeline = basePipeline(base, limits.timeoutSeconds);
    if (options.placeholder && placeholder === undefined) placeholder = await thumbHashOf(pipeline);
    for (const spec of group) {
      options.signal?.throwIfAborted();
      const started = process.hrtime.bigint();
      const { data, info: out } = await encodeAs(resize(pipeline.clone(), spec, base.width), spec).toBuffer({ resolveWithObject: true });
      outputs.set(spec, { spec, data, width: out.width, height: out.height, seconds: secondsSince(started) });
    }
  }

  for (const spec of specs) {
    if (!spec.animated) continue;
    options.signal?.throwIfAborted();
    outputs.set(spec, await renderAnimated(source, info, spec, limits));
  }
  return { outputs: specs.map((s) => outputs.get(s)!), ...(placeholder !== undefined ? { placeholder } : {}) };
}

/**
 * Animated output in one pipeline: frame delays and loop count live in the image's metadata,
 * which a raw base would lose, and GIF has no shrink-on-load to share anyway.
 */
async function renderAnimated(source: Buffer, info: SourceInfo, spec: VariantSpec, limits: TransformLimits): Promise<Rendered> {
  const started = process.hrtime.bigint();
  const pipeline = encodeAs(resize(colour(orient(decode(source, limits, true))), spec, info.width), spec);
  const { data, info: out } = await pipeline.toBuffer({ resolveWithObject: true });
  return { spec, data, width: out.width, height: out.pageHeight ?? out.height, seconds: secondsSince(started) };
}

function secondsSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e9;
}
