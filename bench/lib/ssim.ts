import sharp from 'sharp';
import { ssim } from 'ssim.js';

/** A high-quality rendition of the original at `width`: upright, sRGB, Lanczos 3, no encoding loss. */
export async function referenceAt(original: Buffer, width: number): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(original, { pages: 1 })
    .autoOrient()
    .resize({ width, withoutEnlargement: true, kernel: 'lanczos3' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * SSIM of encoded bytes against a reference, at the reference's full size (no downsampling:
 * images are looked at 1:1 on dense screens, and downsampled SSIM rates everything above 0.98).
 */
export async function ssimAgainst(reference: { data: Buffer; width: number; height: number }, encoded: Buffer): Promise<number> {
  const { data } = await sharp(encoded, { pages: 1 })
    .resize(reference.width, reference.height, { fit: 'fill', kernel: 'lanczos3' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer({ resolveWithObject: true });
  const asImage = (buf: Buffer) => ({ data: new Uint8ClampedArray(buf.buffer, buf.byteOffset, buf.length), width: reference.width, height: reference.height });
  return ssim(asImage(reference.data), asImage(data), { downsample: false }).mssim;
}
