import exifr from 'exifr';
import type { Logger } from '../core/logger.js';
import { exifFacts, type ExifFacts } from './exif-facts.js';

/**
 * Reads the date taken and the GPS position from an upload's EXIF (JPEG, HEIC, TIFF, PNG,
 * WebP, AVIF), from the bytes the probe already read (exifr parses only the segments it needs).
 * A broken or missing EXIF block is no reason to refuse an image: it yields no facts.
 */
export async function readExif(source: string | Buffer, logger?: Logger): Promise<ExifFacts> {
  try {
    const raw = (await exifr.parse(source, {
      pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'GPSLatitude', 'GPSLongitude', 'GPSLatitudeRef', 'GPSLongitudeRef'],
      reviveValues: false,
      gps: true,
    })) as Record<string, unknown> | undefined;
    return exifFacts(raw);
  } catch (err) {
    logger?.debug({ err }, 'EXIF not readable');
    return {};
  }
}
