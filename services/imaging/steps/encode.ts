import type { Sharp } from 'sharp';
import type { VariantSpec } from '../../core/variant-spec.js';
import { opened, type PipeStep } from '../pipe-step.js';

/**
 * The one place that says how each output format is encoded, shared by eager variants and
 * the origin's on-demand renditions so both write identical bytes for identical specs.
 * JPEG has no alpha: transparent pixels are flattened onto white, never black.
 */
export function encodeAs(pipeline: Sharp, spec: VariantSpec): Sharp {
  switch (spec.format) {
    case 'jpeg':
      // libjpeg-turbo with optimised Huffman tables, not mozjpeg: at equal SSIM mozjpeg's bytes
      // are within ±2.3% of these for 8.7x the encode CPU (npm run bench:encoders, BENCHMARKS.md "Quality").
      return pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: spec.quality, optimiseCoding: true });
    case 'png':
      return pipeline.png({ compressionLevel: 9, adaptiveFiltering: true });
    case 'webp':
      return pipeline.webp({ quality: spec.quality, effort: 4 });
    case 'avif':
      // Effort 2: effort 4 costs 6–10x the CPU for about 5% fewer bytes on the corpus photos.
      return pipeline.avif({ quality: spec.quality, effort: 2 });
    case 'gif':
      return pipeline.gif({ effort: 7 });
  }
}

/** Step 5: the spec's format and quality. */
export const encode: PipeStep = {
  name: 'encode',
  apply: (pipe, { spec }) => {
    const p = opened(pipe, 'encode');
    return { ...p, image: encodeAs(p.image, spec) };
  },
};
