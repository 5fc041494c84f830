import type { Sharp } from 'sharp';
import { rgbaToThumbHash } from 'thumbhash';

/**
 * A ThumbHash (about 25 bytes, base64) of the image: clients decode it into a blurry preview
 * while the real image loads. It keeps aspect ratio and alpha, which BlurHash does not.
 */
export async function thumbHashOf(base: Sharp): Promise<string> {
  const { data, info } = await base
    .clone()
    .resize(100, 100, { fit: 'inside' })
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return Buffer.from(rgbaToThumbHash(info.width, info.height, data)).toString('base64');
}
