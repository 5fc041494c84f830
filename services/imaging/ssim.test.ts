import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readFile } from 'node:fs/promises';
import { ssim as ssimJs } from 'ssim.js';
import { lumaOf, ssim } from './ssim.js';
import { corpusPath } from '../../test/helpers/corpus.js';

async function rgbAt(bytes: Buffer, width: number) {
  const { data, info } = await sharp(bytes).autoOrient().resize({ width }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('ssim', () => {
  it('is 1 for identical planes and falls as the image degrades', async () => {
    const ref = await rgbAt(await readFile(corpusPath('photos/Kite-2560x1600.jpg')), 640);
    const luma = lumaOf(ref.data, 3);
    expect(ssim(luma, luma, ref.width, ref.height)).toBeCloseTo(1, 10);
    const scores: number[] = [];
    for (const q of [90, 70, 40, 10]) {
      const jpeg = await sharp(ref.data, { raw: { width: ref.width, height: ref.height, channels: 3 } }).jpeg({ quality: q }).toBuffer();
      const back = await sharp(jpeg).raw().toBuffer();
      scores.push(ssim(luma, lumaOf(back, 3), ref.width, ref.height));
    }
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThan(scores[i - 1]!);
    expect(scores[0]!).toBeGreaterThan(0.95);
    expect(scores[3]!).toBeLessThan(scores[0]! - 0.05);
  });

  it('ranks encodings the way the reference implementation (ssim.js, Gaussian windows) does', async () => {
    const ref = await rgbAt(await readFile(corpusPath('photos/tower_progressive.jpg')), 320);
    const rgba = (rgb: Buffer) => {
      const out = new Uint8ClampedArray((rgb.length / 3) * 4);
      for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) { out[j] = rgb[i]!; out[j + 1] = rgb[i + 1]!; out[j + 2] = rgb[i + 2]!; out[j + 3] = 255; }
      return { data: out, width: ref.width, height: ref.height };
    };
    const ours: number[] = [];
    const theirs: number[] = [];
    for (const q of [95, 80, 60, 40, 20]) {
      const back = await sharp(await sharp(ref.data, { raw: { width: ref.width, height: ref.height, channels: 3 } }).webp({ quality: q }).toBuffer()).raw().toBuffer();
      ours.push(ssim(lumaOf(ref.data, 3), lumaOf(back, 3), ref.width, ref.height));
      theirs.push(ssimJs(rgba(ref.data), rgba(back), { downsample: false }).mssim);
    }
    const order = (xs: number[]) => xs.map((_, i) => i).sort((i, j) => xs[j]! - xs[i]!);
    expect(order(ours)).toEqual(order(theirs));
  });

  it('refuses planes of another size', () => {
    expect(() => ssim(new Float64Array(4), new Float64Array(9), 2, 2)).toThrow(/expected two planes of 2×2/);
  });
});
