import sharp, { type Sharp, type SharpOptions } from 'sharp';
import type { PipeStep, Rendition } from '../pipe-step.js';
import type { TransformLimits } from '../transform-limits.js';

export interface UntrustedOptions {
  /** Load every frame (for animated output); otherwise the first frame only. */
  animated?: boolean;
  /** Integrity warnings fail for every format, not only JPEG (the resizer's check of a failed source). */
  strict?: boolean;
}

/**
 * sharp's options for untrusted bytes, the one place they are written (the upload's validation
 * decode, every transform, the strict check of a failed one). Corrupt data fails
 * (`failOn: 'error'`; for JPEG also a scan that stops short, only a libjpeg warning, so an
 * upload accepted on its header alone is never made ready as grey rows: see
 * IMGSVC_UPLOAD_VALIDATION), a header over the pixel limit fails before any pixel is decoded,
 * rows are read in order (no random access: memory stays a strip for streaming formats), and
 * animated sources load every frame only when the output keeps them (never a tall strip of
 * frames otherwise).
 */
export function untrustedInput(format: string | undefined, limits: Pick<TransformLimits, 'maxPixels'>, options: UntrustedOptions = {}): SharpOptions {
  return {
    failOn: options.strict || format === 'jpeg' ? 'warning' : 'error',
    limitInputPixels: limits.maxPixels,
    sequentialRead: true,
    ...(options.animated ? { animated: true } : { pages: 1 }),
  };
}

/**
 * Opens untrusted bytes with those options and the time limit. Given a file and a JPEG shrink,
 * the loader decodes at that DCT scale (`path[shrink=N]`: libvips' option syntax for a file
 * name, the only way sharp hands a loader option through); the pixel limit then applies to the
 * shrunk size, after the caller's header check applied it to the full one.
 */
export function openUntrusted(source: Buffer | { file: string; shrink: number }, format: string | undefined, limits: TransformLimits, options: UntrustedOptions = {}): Sharp {
  const input = Buffer.isBuffer(source) ? source : source.shrink > 1 ? `${source.file}[shrink=${source.shrink}]` : source.file;
  return sharp(input, untrustedInput(format, limits, options)).timeout({ seconds: limits.timeoutSeconds });
}

/** Step 1: open the source, from its file at the planned DCT scale when the plan says so. */
export const decode: PipeStep = {
  name: 'decode',
  apply: (_, r: Rendition) => {
    const fromFile = r.load.viaFile && r.file !== undefined;
    const source = fromFile ? { file: r.file!, shrink: r.load.shrink } : r.source;
    return { image: openUntrusted(source, r.info.format, r.limits, { animated: r.spec.animated }), width: r.info.width };
  },
};
