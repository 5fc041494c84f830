import type { Sharp } from 'sharp';

/** Step 2: upright by the EXIF orientation, which is then dropped with the rest of the metadata. */
export function orient(pipeline: Sharp): Sharp {
  return pipeline.autoOrient();
}
