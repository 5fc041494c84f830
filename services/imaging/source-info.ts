import sharp from 'sharp';

/** What the transform needs to know about a source before decoding it: header fields only. */
export interface SourceInfo {
  format: string;
  /** As displayed: EXIF orientations 5–8 swap the stored width and height. */
  width: number;
  height: number;
  /** One frame's height for animated sources; `height` is also one frame's. */
  frames: number;
  /** Samples per pixel as stored (1 grey … 4 RGBA, 5 CMYK with alpha). */
  bands: number;
  bytesPerSample: number;
  /** Progressive JPEG or interlaced (Adam7) PNG: the loader must hold the whole frame. */
  progressive: boolean;
  sourceBytes: number;
}

const BYTES_PER_SAMPLE: Readonly<Record<string, number>> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };

/** Reads the header (no pixels). Both callers derive every decision from this, so they agree. */
export async function inspectSource(bytes: Buffer, limits: { maxPixels: number }): Promise<SourceInfo> {
  const meta = await sharp(bytes, { failOn: 'error', limitInputPixels: limits.maxPixels }).metadata();
  const storedWidth = meta.width;
  const frameHeight = meta.pageHeight ?? meta.height;
  if (!storedWidth || !frameHeight) throw new Error('Input buffer has corrupt header: no dimensions');
  const swap = (meta.orientation ?? 1) >= 5;
  return {
    format: meta.format,
    width: swap ? frameHeight : storedWidth,
    height: swap ? storedWidth : frameHeight,
    frames: Math.max(1, meta.pages ?? 1),
    bands: meta.channels,
    bytesPerSample: BYTES_PER_SAMPLE[meta.depth ?? 'uchar'] ?? 1,
    progressive: meta.isProgressive ?? false,
    sourceBytes: bytes.length,
  };
}
