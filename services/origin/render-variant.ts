import sharp from 'sharp';
import type { VariantSpec } from '../core/variant-spec.js';

export interface RenderedVariant {
  data: Buffer;
  width: number;
  height: number;
}

export interface RenderLimits {
  maxPixels: number;
  timeoutSeconds: number;
}

/**
 * Source bytes → one variant: upright (EXIF orientation applied), sRGB 8-bit, metadata
 * stripped (sharp drops EXIF, XMP and GPS unless told to keep them), never upscaled.
 */
export async function renderVariant(source: Buffer, spec: VariantSpec, limits: RenderLimits): Promise<RenderedVariant> {
  let pipeline = sharp(source, {
    failOn: 'error',
    limitInputPixels: limits.maxPixels,
    animated: spec.animated,
  })
    .timeout({ seconds: limits.timeoutSeconds })
    .autoOrient()
    .resize({ width: spec.width, withoutEnlargement: true })
    .toColourspace('srgb');
  switch (spec.format) {
    case 'jpeg':
      pipeline = pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: spec.quality, mozjpeg: true });
      break;
    case 'png':
      pipeline = pipeline.png({ compressionLevel: 9, adaptiveFiltering: true });
      break;
    case 'webp':
      pipeline = pipeline.webp({ quality: spec.quality, effort: 4 });
      break;
    case 'avif':
      pipeline = pipeline.avif({ quality: spec.quality, effort: 4 });
      break;
    case 'gif':
      pipeline = pipeline.gif({ effort: 7 });
      break;
  }
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.pageHeight ?? info.height };
}
