import type { Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

/**
 * The side of the box the placeholder's input is resized into. ThumbHash keeps only the lowest
 * frequencies (at most 7 per axis), so its input needs few pixels; its encoder is a plain
 * JavaScript loop over every pixel and coefficient: 0.5 ms at 100 px once V8 has optimised it,
 * but 17–24 ms in a job that runs right after a full GC (a loop with a forced GC before every
 * step, Kite; the same with V8's bytecode flushing off), where 48 px costs 8 ms. On the corpus
 * photos the decoded preview is within 3/255 (mean) of the 100 px input's, identical on 4 of 9
 * (docs/imaging.md, "The eager 50 px set").
 */
export const THUMBHASH_INPUT = 48;

/**
 * A ThumbHash (about 25 bytes, base64) of the image: clients decode it into a blurry preview
 * while the real image loads. It keeps aspect ratio and alpha, which BlurHash does not.
 */
export async function thumbHashOf(base: Sharp): Promise<string> {
  const { data, info } = await base
    .clone()
    .resize(THUMBHASH_INPUT, THUMBHASH_INPUT, { fit: 'inside' })
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}
