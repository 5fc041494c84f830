import sharp from 'sharp';
import { rgbaToThumbHash, thumbHashToApproximateAspectRatio, thumbHashToRGBA } from 'thumbhash';
import { describe, expect, it } from 'vitest';
import { thumbHashOf, THUMBHASH_INPUT } from './placeholder.js';

/** A 256x160 test card: a diagonal colour ramp with a dark disc, as the intermediate would hold it. */
function testCard(): Buffer {
  const width = 256;
  const height = 160;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inDisc = (x - 170) ** 2 + (y - 70) ** 2 < 40 ** 2;
      const i = (y * width + x) * 3;
      data[i] = inDisc ? 30 : x;
      data[i + 1] = inDisc ? 40 : (y * 255) / height;
      data[i + 2] = inDisc ? 90 : 255 - x / 2;
    }
  }
  return data;
}

const base = () => sharp(testCard(), { raw: { width: 256, height: 160, channels: 3 } });

describe('thumbHashOf', () => {
  it('hashes a small input: the cost of its JavaScript encoder follows the pixel count', () => {
    expect(THUMBHASH_INPUT).toBeLessThanOrEqual(48);
  });

  it('gives the preview a 100 px input gives, within a few levels, and keeps the aspect ratio', async () => {
    const ours = Buffer.from(await thumbHashOf(base()), 'base64');
    const { data, info } = await base().resize(100, 100, { fit: 'inside' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const wide = rgbaToThumbHash(info.width, info.height, data);
    const a = thumbHashToRGBA(ours).rgba;
    const b = thumbHashToRGBA(wide).rgba;
    expect(a.length).toBe(b.length);
    const meanDifference = a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
    expect(meanDifference).toBeLessThan(4);
    expect(thumbHashToApproximateAspectRatio(ours)).toBe(thumbHashToApproximateAspectRatio(wide));
  });
});
