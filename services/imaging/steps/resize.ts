import type { Sharp } from 'sharp';
import type { VariantSpec } from '../../core/variant-spec.js';

/**
 * Step 4: the spec's exact size from the decoded base, never upscaled. `contain` pads with
 * transparency where the format has alpha (JPEG flattens it to white when encoding).
 */
export function resize(pipeline: Sharp, spec: VariantSpec, baseWidth: number): Sharp {
  if (spec.height === undefined && spec.width >= baseWidth) return pipeline;
  return pipeline.resize({
    width: spec.width,
    ...(spec.height !== undefined ? { height: spec.height, fit: spec.fit ?? 'cover' } : {}),
    withoutEnlargement: true,
    background: { r: 255, g: 255, b: 255, alpha: 0 },
  });
}
