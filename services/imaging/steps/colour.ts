import { opened, type PipeStep } from '../pipe-step.js';

/** Step 4: sRGB, 8 bits per channel (CMYK, grey, 16-bit and float sources all end up here). */
export const colour: PipeStep = {
  name: 'colour',
  apply: (pipe) => {
    const p = opened(pipe, 'colour');
    return { ...p, image: p.image.toColourspace('srgb') };
  },
};
