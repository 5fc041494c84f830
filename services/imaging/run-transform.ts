import type { Sharp } from 'sharp';
import { variantName, type VariantSpec } from '../core/variant-spec.js';
import { basePipeline, decodeBase, type DecodedBase } from './decode-base.js';
import { INTERMEDIATE_WIDTH, planDecode, planIntermediateLoad, type DecodePlan } from './decode-plan.js';
import { buildPipe } from './pipe-step.js';
import { thumbHashOf } from './placeholder.js';
import { runSteps, type JobStep } from './run-steps.js';
import type { SourceInfo } from './source-info.js';
import { spillSource, type SpilledSource } from './spill-source.js';
import { PIXELS_TO_OUTPUT, SOURCE_TO_OUTPUT } from './step-lists.js';
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
 * origin (one variant on demand), as a list of steps run by `runSteps`: spill the source to a
 * file if a plan decodes from one, decode the shared small intermediate, the placeholder, then
 * each output. Thumbnails (see `planDecode`) and the placeholder share the one intermediate,
 * `clone()`d per output; every larger output is one pipeline from the source
 * (`SOURCE_TO_OUTPUT`), so nothing large is decoded into a buffer and read again. Since the
 * plan depends only on the source and the spec, one spec gives the same bytes whichever caller
 * made it and whatever else was made with it, so a variant's storage key and ETag name exactly
 * one byte string.
 */
export async function runTransform(
  source: Buffer,
  info: SourceInfo,
  specs: readonly VariantSpec[],
  limits: TransformLimits,
  options: TransformOptions = {},
): Promise<{ outputs: Rendered[]; placeholder?: string }> {
  const plans = new Map<VariantSpec, DecodePlan>(specs.map((s) => [s, planDecode(info, s)]));
  const small = specs.filter((s) => !s.animated && plans.get(s)!.intermediateWidth !== undefined);
  const large = specs.filter((s) => !small.includes(s));
  const intermediateWidth = small.length > 0 || options.placeholder ? Math.min(INTERMEDIATE_WIDTH, info.width) : undefined;
  const intermediateViaFile = intermediateWidth !== undefined && planIntermediateLoad(info, info.width, intermediateWidth).viaFile;

  const outputs = new Map<VariantSpec, Rendered>();
  let spilled: SpilledSource | undefined;
  let base: DecodedBase | undefined;
  let placeholder: string | undefined;
  const steps: JobStep[] = [];
  if (intermediateViaFile || large.some((s) => plans.get(s)!.viaFile)) {
    steps.push({ name: 'spill', run: async () => void (spilled = await spillSource(source)) });
  }
  if (intermediateWidth !== undefined) {
    steps.push({ name: 'intermediate', run: async () => void (base = await decodeBase(source, info, intermediateWidth, limits, spilled?.file)) });
  }
  if (options.placeholder) steps.push({ name: 'placeholder', run: async () => void (placeholder = await thumbHashOf(basePipeline(base!, limits.timeoutSeconds))) });
  for (const spec of small) {
    steps.push(renderStep(spec, outputs, () => {
      const from = { image: basePipeline(base!, limits.timeoutSeconds), width: base!.width };
      return buildPipe(PIXELS_TO_OUTPUT, { source, info, limits, spec, load: plans.get(spec)! }, from).image;
    }));
  }
  for (const spec of large) {
    steps.push(renderStep(spec, outputs, () => buildPipe(SOURCE_TO_OUTPUT, { source, file: spilled?.file, info, limits, spec, load: plans.get(spec)! }).image));
  }
  try {
    await runSteps(steps, { signal: options.signal, timeoutSeconds: limits.timeoutSeconds });
  } finally {
    await spilled?.remove();
  }
  return { outputs: specs.map((s) => outputs.get(s)!), ...(placeholder !== undefined ? { placeholder } : {}) };
}

/** The step that reads one output's pipeline into bytes. */
function renderStep(spec: VariantSpec, outputs: Map<VariantSpec, Rendered>, pipeline: () => Sharp): JobStep {
  return {
    name: `render ${variantName(spec)}.${spec.format}`,
    run: async () => {
      const started = process.hrtime.bigint();
      const { data, info: out } = await pipeline().toBuffer({ resolveWithObject: true });
      // Animated output reports the whole strip's height; one frame's is `pageHeight`.
      const height = spec.animated ? (out.pageHeight ?? out.height) : out.height;
      outputs.set(spec, { spec, data, width: out.width, height, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    },
  };
}
