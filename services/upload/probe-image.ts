import { readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { AppError, unprocessable, unsupportedMediaType } from '../core/errors.js';
import { SUPPORTED_FORMATS, type SupportedFormat } from '../core/image-formats.js';
import { sniffFormat } from '../core/sniff-format.js';
import { openUntrusted } from '../imaging/steps/decode.js';

export interface ProbedImage {
  format: SupportedFormat;
  /** As displayed: EXIF orientations 5–8 swap the stored width and height. */
  width: number;
  height: number;
  orientation: number;
  hasAlpha: boolean;
  frames: number;
  /** The file as read for the probe, for the EXIF reader (a second read of the file cost 0.2 ms). */
  bytes: Buffer;
}

export interface ProbeLimits {
  maxPixels: number;
  /** Most frames an animated image may have: each costs a decode and an encode per rendition. */
  maxFrames: number;
  /** Most frames × pixels per frame: the work of one animated rendition. */
  maxAnimationPixels: number;
  /** Wall-clock bound on the validation decode. */
  timeoutSeconds: number;
  /** `header` skips the decode (the resizer's decode fails a corrupt image instead); default full. */
  validation?: 'full' | 'header';
}

const SUPPORTED_LIST = Object.keys(SUPPORTED_FORMATS).join(', ');

/**
 * Decides whether a received file is an image the service will keep, in three steps of rising
 * cost: the magic bytes (415 for what is not a supported image), the header (422 for sizes over
 * the pixel limit, so a decompression bomb is refused before any pixel is decoded), then a
 * decode of every byte at reduced scale (422 for truncated or corrupt data).
 *
 * The file is read into memory for libvips: given a path, every loader opens the file to sniff
 * it (about 35 opens and 150 seeks per upload, measured), which under load costs more than the
 * read. Callers bound how many probes run at once, which bounds this memory.
 */
export async function probeImage(path: string, head: Buffer, limits: ProbeLimits): Promise<ProbedImage> {
  const sniffed = sniffFormat(head);
  if (sniffed.kind === 'unknown') {
    throw unsupportedMediaType(`the body is not an image in a supported format (${SUPPORTED_LIST})`);
  }
  if (sniffed.kind === 'unsupported') {
    throw unsupportedMediaType(sniffed.reason, { details: { detectedFormat: sniffed.format } });
  }
  const format = sniffed.format;
  const bytes = await readFile(path);

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (err) {
    throw corrupt(format, err, path);
  }
  const storedWidth = meta.width;
  const frameHeight = meta.pageHeight ?? meta.height;
  const frames = Math.max(1, meta.pages ?? 1);
  if (!storedWidth || !frameHeight) throw corrupt(format, new Error('no dimensions in header'), path);

  const framePixels = storedWidth * frameHeight;
  const totalPixels = framePixels * frames;
  if (framePixels > limits.maxPixels || totalPixels > limits.maxPixels) {
    throw unprocessable(
      'too_many_pixels',
      `the image is ${storedWidth}x${frameHeight}${frames > 1 ? ` with ${frames} frames` : ''} (${totalPixels} pixels), over the limit of ${limits.maxPixels} pixels`,
      { details: { width: storedWidth, height: frameHeight, frames, limitPixels: limits.maxPixels } },
    );
  }

  checkAnimation(storedWidth, frameHeight, frames, limits);

  if (limits.validation === 'header') {
    if (!endsWhole(format, bytes)) throw corrupt(format, new Error('the data ends before the image does'), path);
  } else {
    await decodeAll(bytes, format, limits, path);
  }

  const orientation = meta.orientation ?? 1;
  const swap = orientation >= 5 && orientation <= 8;
  return {
    format,
    width: swap ? frameHeight : storedWidth,
    height: swap ? storedWidth : frameHeight,
    orientation,
    hasAlpha: meta.hasAlpha ?? false,
    frames,
    bytes,
  };
}

/**
 * Frames are refused past a count, and frames × pixels past a total, from the header: a GIF of
 * 200,000 tiny frames is within the pixel limit yet costs about 30 s of CPU per rendition.
 */
function checkAnimation(width: number, frameHeight: number, frames: number, limits: ProbeLimits): void {
  if (frames > limits.maxFrames) {
    throw unprocessable('too_many_frames', `the image has ${frames} frames, over the limit of ${limits.maxFrames} frames`, {
      details: { frames, limitFrames: limits.maxFrames },
    });
  }
  const work = width * frameHeight * frames;
  if (frames > 1 && work > limits.maxAnimationPixels) {
    throw unprocessable(
      'animation_too_large',
      `the animation is ${frames} frames of ${width}x${frameHeight} (${work} pixels in all), over the limit of ${limits.maxAnimationPixels} animation pixels`,
      { details: { frames, width, height: frameHeight, animationPixels: work, limitAnimationPixels: limits.maxAnimationPixels } },
    );
  }
}

/**
 * The validation decode: every byte read, at the smallest scale the format decodes at, opened
 * as every transform opens untrusted bytes (imaging's decode step: `failOn`, the pixel limit,
 * sequential rows, the first frame). `failOn` turns truncation and corrupt entropy data into a
 * rejection; JPEG asks for more: a scan that stops short (then an EOI marker) is only a libjpeg
 * warning, and the decoder paints the missing rows flat grey, so a 10000x10000 header over a
 * few kilobytes of data would become a ready, grey image costing full-size decodes. Every JPEG
 * in the corpus that decodes cleanly raises no warning either (checked in test/e2e).
 *
 * A JPEG is opened from its received file at 1/8 scale and read as it comes out of libjpeg (no
 * resize: the Huffman decode of every block is the work, the DCT at 1/8 is one coefficient);
 * other formats from memory, reduced by sharp (WebP's loader scales, the rest decode in full).
 */
async function decodeAll(bytes: Buffer, format: SupportedFormat, limits: ProbeLimits, path: string): Promise<void> {
  try {
    const pipeline = format === 'jpeg' ? openUntrusted({ file: path, shrink: 8 }, format, limits) : openUntrusted(bytes, format, limits).resize(8, 8, { fit: 'inside' });
    await pipeline.raw().toBuffer();
  } catch (err) {
    throw corrupt(format, err, path);
  }
}

/**
 * A structural check of the file's end, without decoding: the format's terminator is there
 * (JPEG EOI, PNG IEND, GIF trailer) or its container's length matches (WebP RIFF), so a
 * truncated upload is refused at once; corrupt data inside is the resizer's decode to find.
 * AVIF and TIFF place their data by offsets the header check already bounds.
 */
function endsWhole(format: SupportedFormat, bytes: Buffer): boolean {
  // Some writers pad after the terminator: look for it near the end.
  const tail = bytes.subarray(Math.max(0, bytes.length - 4096));
  switch (format) {
    case 'jpeg':
      return tail.includes(Buffer.from([0xff, 0xd9]));
    case 'png':
      return tail.includes(Buffer.from('IEND'));
    case 'gif':
      return tail.includes(0x3b);
    case 'webp':
      return bytes.length >= 12 && bytes.readUInt32LE(4) + 8 <= bytes.length;
    default:
      return true;
  }
}

function corrupt(format: SupportedFormat, cause: unknown, path: string): AppError {
  // The decoder's first line helps people fix their file; our temporary path is not theirs to see.
  const detail = cause instanceof Error ? cause.message.split('\n')[0]?.replaceAll(path, 'input') : undefined;
  const timedOut = detail?.includes('timeout') ?? false;
  return unprocessable(
    timedOut ? 'decode_timeout' : 'corrupt_image',
    timedOut
      ? `the ${format.toUpperCase()} image took too long to decode`
      : `the ${format.toUpperCase()} image is truncated or corrupt and cannot be decoded`,
    { cause, ...(detail ? { details: { decoder: detail } } : {}) },
  );
}
