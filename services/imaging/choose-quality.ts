import sharp from 'sharp';
import type { OutputFormat } from '../core/variant-spec.js';
import { QUALITY_SEARCH } from '../core/quality.js';
import { lumaOf, ssim } from './ssim.js';
import type { SourceInfo } from './source-info.js';
import { pixelsRendition } from './decode-base.js';
import { buildPipe } from './pipe-step.js';
import { SOURCE_TO_PIXELS } from './step-lists.js';
import { encodeAs } from './steps/encode.js';
import type { TransformLimits } from './transform-limits.js';

export type SearchedFormat = 'jpeg' | 'webp' | 'avif';

/** What the search found for one image: a quality per format, and the formats not worth sending. */
export interface QualityChoice {
  qualities: Partial<Record<SearchedFormat, number>>;
  /** Formats whose bytes at the target were not below JPEG's for this image: serve JPEG instead. */
  notSmaller: SearchedFormat[];
  /** Encodes tried, and the time the whole search took (seconds). */
  probes: number;
  seconds: number;
}

interface Probe {
  q: number;
  score: number;
  bytes: number;
}

/**
 * Per-image quality (issue 24): for each lossy format, the lowest quality on the format's grid
 * whose SSIM at the reference width reaches one target score, by bisection (4–5 encodes of a
 * 640 px rendition per format). The target is what JPEG at the anchor quality scores on the
 * median corpus photo; an image JPEG scores lower on at the anchor keeps the anchor and sets
 * its own, lower target (so no image gets more JPEG bytes than the fixed table gave it). Every
 * format is then sent at the same score, and a format bigger than JPEG at that score is not
 * sent for that image. Stills without alpha only: PNG, GIF and animations keep the fixed table.
 */
export async function chooseQualities(source: Buffer, info: SourceInfo, hasAlpha: boolean, limits: TransformLimits, signal?: AbortSignal): Promise<QualityChoice | undefined> {
  if (hasAlpha || info.frames > 1) return undefined;
  const started = process.hrtime.bigint();
  const width = Math.min(QUALITY_SEARCH.referenceWidth, info.width);
  // From memory at sharp's own scale: the reference need not match any stored variant's bytes.
  const { image } = buildPipe(SOURCE_TO_PIXELS, pixelsRendition(source, info, width, limits));
  const { data: rgb, info: out } = await image
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const reference = lumaOf(rgb, 3);
  const raw = { width: out.width, height: out.height, channels: 3 as const };
  let probes = 0;

  const probe = async (format: SearchedFormat, q: number): Promise<Probe> => {
    signal?.throwIfAborted();
    probes++;
    const encoded = await encodeAs(sharp(rgb, { raw }), { format, width: out.width, quality: q, animated: false }).toBuffer();
    const decoded = await sharp(encoded).removeAlpha().raw().toBuffer();
    return { q, score: ssim(reference, lumaOf(decoded, 3), out.width, out.height), bytes: encoded.length };
  };

  // JPEG first, at the anchor: an image that scores below the target there keeps the anchor
  // (never more bytes than the fixed table sent) and its score becomes this image's target.
  const anchor = await probe('jpeg', QUALITY_SEARCH.anchor);
  const target = Math.min(QUALITY_SEARCH.target, anchor.score);
  const found: Partial<Record<SearchedFormat, Probe>> = {
    jpeg: anchor.score > QUALITY_SEARCH.target ? await bisect(QUALITY_SEARCH.grid.jpeg.filter((q) => q < QUALITY_SEARCH.anchor), target, (q) => probe('jpeg', q), anchor) : anchor,
  };
  for (const format of ['webp', 'avif'] as const) found[format] = await bisect(QUALITY_SEARCH.grid[format], target, (q) => probe(format, q));

  const qualities: Partial<Record<SearchedFormat, number>> = {};
  for (const [format, p] of Object.entries(found) as [SearchedFormat, Probe][]) qualities[format] = p.q;
  const jpegBytes = found.jpeg!.bytes;
  const notSmaller = (['webp', 'avif'] as const).filter((f) => found[f]!.bytes >= jpegBytes);
  return { qualities, notSmaller, probes, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** The lowest grid quality reaching the target; `ceiling` (or the grid's top) when none below it does. */
async function bisect(grid: readonly number[], target: number, run: (q: number) => Promise<Probe>, ceiling?: Probe): Promise<Probe> {
  let lo = 0;
  let hi = grid.length - 1;
  let best = ceiling;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = await run(grid[mid]!);
    if (p.score >= target) {
      best = p;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  return best ?? run(grid[grid.length - 1]!);
}

export function isSearchedFormat(format: OutputFormat): format is SearchedFormat {
  return format === 'jpeg' || format === 'webp' || format === 'avif';
}
