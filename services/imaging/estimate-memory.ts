import type { VariantSpec } from '../core/variant-spec.js';
import { planDecode } from './decode-plan.js';
import type { SourceInfo } from './source-info.js';

const MiB = 1024 * 1024;
/** libvips thread buffers, encoder state and sharp's bookkeeping per transform (measured up to about 90 MiB with AVIF). */
const FIXED_BYTES = 96 * MiB;
/** Rows a streaming loader and the reducers behind it keep in flight (generous: measured fits). */
const STREAMING_ROWS = 512;
/** 8-bit RGBA: the widest pixel after the colour step. */
const OUT_PIXEL_BYTES = 4;

/**
 * Bytes one transform of these specs needs at its peak, from the header alone (dimensions,
 * bands, bit depth, frames, interlacing): what the memory budget reserves. Outputs and decode
 * plans run one after another, so the peak is the source plus the largest single step.
 *
 * The loader's share dominates for large sources: a progressive JPEG holds its coefficients
 * for the whole image (2 bytes a sample, shrink-on-load does not reduce them); an interlaced
 * PNG, WebP, AVIF, GIF or TIFF holds the decoded frame (WebP at its reduced scale); a baseline
 * JPEG or plain PNG streams a strip of rows. Measured: a 10000x10000 16-bit RGBA interlaced PNG
 * peaks 895 MiB over an idle process for AVIF at 1280 px; estimated here at 919 MiB.
 */
export function estimateTransformBytes(source: SourceInfo, specs: readonly VariantSpec[]): number {
  let largestStep = 0;
  for (const spec of specs) {
    largestStep = Math.max(largestStep, spec.animated ? animatedBytes(source, spec) : stillBytes(source, spec));
  }
  return source.sourceBytes + FIXED_BYTES + largestStep;
}

function stillBytes(source: SourceInfo, spec: VariantSpec): number {
  const plan = planDecode(source, spec);
  const baseHeight = Math.ceil((source.height * plan.baseWidth) / source.width);
  const sample = source.bands * source.bytesPerSample;
  let load: number;
  if (source.format === 'jpeg') {
    load = source.progressive ? source.width * source.height * source.bands * 2 : (source.width / plan.shrink) * sample * STREAMING_ROWS;
  } else if (source.format === 'png' && !source.progressive) {
    load = source.width * sample * STREAMING_ROWS;
  } else if (source.format === 'webp') {
    load = plan.baseWidth * baseHeight * sample;
  } else {
    load = source.width * source.height * sample;
  }
  // The decoded base, held by libvips and again as the buffer it is handed over in.
  const base = plan.baseWidth * baseHeight * OUT_PIXEL_BYTES * 2;
  return load + base + outputBytes(source, spec);
}

function animatedBytes(source: SourceInfo, spec: VariantSpec): number {
  // Every frame decoded (as RGBA), then every frame resized and handed to the encoder.
  return source.frames * (source.width * source.height * OUT_PIXEL_BYTES + outputBytes(source, spec));
}

function outputBytes(source: SourceInfo, spec: VariantSpec): number {
  const width = Math.min(spec.width, source.width);
  const height = spec.height ?? Math.ceil((source.height * width) / source.width);
  // The resized pixels and the encoder's copy of them.
  return width * height * OUT_PIXEL_BYTES * 2;
}
