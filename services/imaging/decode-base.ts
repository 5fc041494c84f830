import sharp, { type Sharp } from 'sharp';

export interface DecodedBase {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  hasAlpha: boolean;
}

export interface DecodeLimits {
  maxPixels: number;
  timeoutSeconds: number;
}

/**
 * Decodes an original once into the pixels every eager variant is derived from: the first
 * frame only (animated sources never become a tall strip), upright, sRGB, 8 bits per channel,
 * alpha kept, already shrunk to the widest variant needed (JPEG and WebP shrink on load, so a
 * 40 MP photo is never decoded at full size for a 1280 px ladder).
 */
export async function decodeBase(original: Buffer, maxWidth: number, limits: DecodeLimits): Promise<DecodedBase> {
  const { data, info } = await sharp(original, {
    failOn: 'error',
    limitInputPixels: limits.maxPixels,
    pages: 1,
  })
    .timeout({ seconds: limits.timeoutSeconds })
    .autoOrient()
    .resize({ width: maxWidth, withoutEnlargement: true })
    .toColourspace('srgb')
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return {
    data,
    width: info.width,
    height: info.height,
    channels: info.channels,
    hasAlpha: info.channels === 4 || info.channels === 2,
  };
}

/** A sharp pipeline over the decoded pixels; `.clone()` it once per output. */
export function basePipeline(base: DecodedBase, timeoutSeconds: number): Sharp {
  return sharp(base.data, { raw: { width: base.width, height: base.height, channels: base.channels } }).timeout({
    seconds: timeoutSeconds,
  });
}
