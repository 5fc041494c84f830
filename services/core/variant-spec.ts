import { SUPPORTED_FORMATS, type SupportedFormat } from './image-formats.js';

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
}

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

/** A name that sorts and reads well in a listing: `w1280-q80-a`. */
export function variantName(spec: VariantSpec): string {
  const lossless = spec.format === 'png' || spec.format === 'gif';
  return `w${spec.width}${lossless ? '' : `-q${spec.quality}`}${spec.animated ? '-anim' : ''}`;
}

/** Default quality per format until the origin's tuned table replaces it. */
const DEFAULT_QUALITY: Readonly<Record<OutputFormat, number>> = { jpeg: 82, png: 100, webp: 80, avif: 55, gif: 100 };

/**
 * The rendition `/i/<id>` serves before device negotiation: full size, upright, metadata
 * stripped, in the source's own format when browsers show it, else JPEG (PNG with alpha).
 */
export function displaySpec(source: {
  format: SupportedFormat;
  width: number;
  hasAlpha: boolean;
  frames: number;
}): VariantSpec {
  const format: OutputFormat =
    source.format === 'tiff' ? (source.hasAlpha ? 'png' : 'jpeg') : source.format;
  const animated = source.frames > 1 && (format === 'gif' || format === 'webp');
  return { format, width: source.width, quality: DEFAULT_QUALITY[format], animated };
}
