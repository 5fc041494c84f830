/** Bounds on one transform of untrusted bytes, the same for the resizer and the origin. */
export interface TransformLimits {
  /** Refuse sources whose header claims more pixels than this (libvips checks before decoding). */
  maxPixels: number;
  /** Wall-clock bound on each sharp pipeline, whole seconds (sharp's own granularity). */
  timeoutSeconds: number;
}
