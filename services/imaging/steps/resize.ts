import { opened, type PipeStep } from '../pipe-step.js';

/**
 * Step 3: the spec's exact size, never upscaled past the width the pipeline was opened from.
 * `contain` pads with transparency where the format has alpha (JPEG flattens it to white when
 * encoding). Straight after the decode, this is what lets sharp shrink on load (JPEG at 1/2,
 * 1/4, 1/8; WebP at any scale) where the plan did not already open the source shrunk.
 */
export const resize: PipeStep = {
  name: 'resize',
  apply: (pipe, { spec }) => {
    const p = opened(pipe, 'resize');
    if (spec.height === undefined && spec.width >= p.width) return p;
    const image = p.image.resize({
      width: spec.width,
      ...(spec.height !== undefined ? { height: spec.height, fit: spec.fit ?? 'cover' } : {}),
      withoutEnlargement: true,
      background: { r: 255, g: 255, b: 255, alpha: 0 },
    });
    return { ...p, image };
  },
};
