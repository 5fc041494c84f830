import { openUntrusted } from './steps/decode.js';
import { failureKind, firstLine } from './transform-failure.js';
import type { TransformLimits } from './transform-limits.js';

/**
 * Decodes a source once, strictly (integrity warnings are errors for every format, as the
 * upload's full validation treats JPEG's), for a pipeline that failed with an `unknown` class:
 * the reason when the bytes themselves do not decode (a failure no retry fixes), undefined when
 * they do (the failure was something else, worth retrying). libvips sometimes names a corrupt
 * PNG chunk only as "Unknown error", so the failure's own message cannot tell the two apart.
 */
export async function undecodableReason(source: Buffer, limits: TransformLimits): Promise<string | undefined> {
  try {
    await openUntrusted(source, undefined, limits, { strict: true }).raw().toBuffer();
    return undefined;
  } catch (err) {
    return failureKind(err) === 'timeout' ? undefined : firstLine(err);
  }
}
