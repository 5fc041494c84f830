import sharp from 'sharp';
import type { VariantSpec } from '../core/variant-spec.js';
import { encodeAs } from '../imaging/encode-format.js';

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
  const pipeline = encodeAs(
    sharp(source, { failOn: 'error', limitInputPixels: limits.maxPixels, animated: spec.animated })
      .timeout({ seconds: limits.timeoutSeconds })
      .autoOrient()
      .resize({
        width: spec.width,
        ...(spec.height !== undefined ? { height: spec.height, fit: spec.fit ?? 'cover' } : {}),
        withoutEnlargement: true,
        // contain pads: transparent where the format has alpha (JPEG flattens it to white).
        background: { r: 255, g: 255, b: 255, alpha: 0 },
      })
      .toColourspace('srgb'),
    spec,
  );
  const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.pageHeight ?? info.height };
}
