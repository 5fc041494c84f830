import sharp from 'sharp';

/**
 * Mean absolute difference (0–255) between a variant and the original rendered the way it
 * should look (upright, sRGB, same size), both flattened onto white: a rotated or mirrored
 * variant, wrong colours, or a black background where there was transparency all show up as
 * large differences, while resampling and lossy encoding stay small.
 */
export async function differenceFromOriginal(original: Buffer, variant: Buffer): Promise<number> {
  const v = await sharp(variant).flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const ref = await sharp(original, { pages: 1 })
    .autoOrient()
    .resize(v.info.width, v.info.height, { fit: 'fill' })
    .flatten({ background: '#ffffff' })
    .toColourspace('srgb')
    .removeAlpha()
    .raw({ depth: 'uchar' })
    .toBuffer();
  return meanAbs(v.data, ref);
}

/** The same for the alpha channel alone (0 when neither has transparency). */
export async function alphaDifference(original: Buffer, variant: Buffer): Promise<number> {
  const v = await sharp(variant).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  const ref = await sharp(original, { pages: 1 })
    .autoOrient()
    .resize(v.info.width, v.info.height, { fit: 'fill' })
    .ensureAlpha()
    .extractChannel(3)
    .raw({ depth: 'uchar' })
    .toBuffer();
  return meanAbs(v.data, ref);
}

function meanAbs(a: Buffer, b: Buffer): number {
  if (a.length !== b.length) throw new Error(`sizes differ: ${a.length} vs ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}
