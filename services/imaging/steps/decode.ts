import sharp, { type Sharp } from 'sharp';
import type { TransformLimits } from '../transform-limits.js';

/**
 * Step 1: open the untrusted bytes. Corrupt data fails (`failOn: 'error'`; for JPEG also a scan
 * that stops short, only a libjpeg warning, so an upload accepted on its header alone is never
 * made ready as grey rows: see IMGSVC_UPLOAD_VALIDATION), a header over the
 * pixel limit fails before any pixel is decoded, and animated sources load every frame only
 * when the output keeps them (otherwise the first frame: never a tall strip of frames).
 */
export function decode(source: Buffer, limits: TransformLimits, animated: boolean, format: string): Sharp {
  return sharp(source, {
    failOn: format === 'jpeg' ? 'warning' : 'error',
    limitInputPixels: limits.maxPixels,
    ...(animated ? { animated: true } : { pages: 1 }),
  }).timeout({ seconds: limits.timeoutSeconds });
}
