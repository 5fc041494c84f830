import type { Sharp } from 'sharp';
import type { VariantSpec } from '../core/variant-spec.js';
import type { LoadPlan } from './decode-plan.js';
import type { SourceInfo } from './source-info.js';
import type { TransformLimits } from './transform-limits.js';

/** What every step of one rendition reads: the source, what its header said, the limits, the output. */
export interface Rendition {
  source: Buffer;
  /** The same bytes in a file, for a plan that opens the source from one (`LoadPlan.viaFile`). */
  file?: string | undefined;
  info: SourceInfo;
  limits: TransformLimits;
  spec: VariantSpec;
  load: LoadPlan;
}

/** The pipeline so far, and the displayed width of what it was opened from (no upscaling past it). */
export interface Pipe {
  image: Sharp;
  width: number;
}

/**
 * One named step of a rendition: adds its operations to the pipeline. libvips runs them all,
 * streaming, when the pipeline is read, so a step costs nothing until then and there is
 * nothing to cancel between two of them: cancellation is checked between the materialising
 * steps the runner runs (`run-steps.ts`). The first step of a list opens the source.
 */
export interface PipeStep {
  name: string;
  apply(pipe: Pipe | undefined, r: Rendition): Pipe;
}

/** The steps of a list, in order, from `from` (or from nothing: the list's first step opens the source). */
export function buildPipe(steps: readonly PipeStep[], r: Rendition, from?: Pipe): Pipe {
  let pipe = from;
  for (const step of steps) pipe = step.apply(pipe, r);
  if (!pipe) throw new Error('an empty list of steps with nothing to start from');
  return pipe;
}

/** For a step that needs a pipeline to extend: a list that does not open the source first is a bug. */
export function opened(pipe: Pipe | undefined, step: string): Pipe {
  if (!pipe) throw new Error(`the ${step} step needs an opened source before it`);
  return pipe;
}
