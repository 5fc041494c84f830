import { opened, type PipeStep } from '../pipe-step.js';

/** Step 2: upright by the EXIF orientation, which is then dropped with the rest of the metadata. */
export const orient: PipeStep = {
  name: 'orient',
  apply: (pipe) => {
    const p = opened(pipe, 'orient');
    return { ...p, image: p.image.autoOrient() };
  },
};
