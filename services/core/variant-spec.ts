import { SUPPORTED_FORMATS } from './image-formats.js';

/** Formats the service writes. TIFF is read, never served. */
export type OutputFormat = 'jpeg' | 'png' | 'webp' | 'avif' | 'gif';

/**
 * One rendition of an image. Everything that changes the output bytes is in here, so the
 * storage key derived from it (with the original's hash) names exactly one set of bytes and a
 * repeated render writes the same object.
 */
export interface VariantSpec {
  format: OutputFormat;
  /** Output width in pixels; never more than the original's displayed width. */
  width: number;
  /** Encoder quality 1–100 (ignored by lossless PNG and GIF). */
  quality: number;
  /** Keep every frame (GIF and WebP output of an animated source). */
  animated: boolean;
  /** A box instead of a width alone: output height, and how the image fits the box. */
  height?: number;
  fit?: Fit;
}

export const FITS = ['inside', 'cover', 'contain', 'fill'] as const;
export type Fit = (typeof FITS)[number];

export const OUTPUT_EXT: Readonly<Record<OutputFormat, string>> = {
  jpeg: 'jpg',
  png: 'png',
  webp: 'webp',
  avif: 'avif',
  gif: 'gif',
};

export const OUTPUT_MIME: Readonly<Record<OutputFormat, string>> = {
  jpeg: SUPPORTED_FORMATS.jpeg.mime,
  png: SUPPORTED_FORMATS.png.mime,
  webp: SUPPORTED_FORMATS.webp.mime,
  avif: SUPPORTED_FORMATS.avif.mime,
  gif: SUPPORTED_FORMATS.gif.mime,
};

/** A name that sorts and reads well in a listing: `w1280-q75`, `w400-h400-cover-q50`, `w200-anim`. */
export function variantName(spec: VariantSpec): string {
  const lossless = spec.format === 'png' || spec.format === 'gif';
  const box = spec.height !== undefined ? `-h${spec.height}-${spec.fit ?? 'inside'}` : '';
  return `w${spec.width}${box}${lossless ? '' : `-q${spec.quality}`}${spec.animated ? '-anim' : ''}`;
}
