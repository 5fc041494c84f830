import type { PlannedVariant } from '../core/eager-presets.js';
import { OUTPUT_EXT, OUTPUT_MIME, variantName } from '../core/variant-spec.js';
import type { VariantInfo } from '../images/image-record.js';
import { basePipeline, decodeBase, type DecodeLimits } from '../imaging/decode-base.js';
import { encodeAs } from '../imaging/encode-format.js';
import { thumbHashOf } from '../imaging/placeholder.js';
import { variantKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface MadeVariants {
  variants: VariantInfo[];
  placeholder: string;
}

export interface MakeOptions {
  limits: DecodeLimits;
  /** Aborted when the job runs out of time or the worker shuts down; checked between steps. */
  signal: AbortSignal;
  /** Told how long each variant took (encode and store), for the per-preset histogram. */
  onVariant?: (preset: string, format: string, seconds: number) => void;
}

/**
 * The steps of one job, in order: decode once, placeholder, then each planned variant encoded
 * from a clone of the decoded pixels and stored under a key derived from the original's hash
 * and the variant spec (a retry writes the same bytes to the same keys).
 */
export async function makeVariants(
  sha256: string,
  original: Buffer,
  planned: PlannedVariant[],
  store: ObjectStore,
  options: MakeOptions,
): Promise<MadeVariants> {
  const widest = Math.max(...planned.map((p) => p.spec.width));
  const base = await decodeBase(original, widest, options.limits);
  options.signal.throwIfAborted();
  const pipeline = basePipeline(base, options.limits.timeoutSeconds);
  const placeholder = await thumbHashOf(pipeline);

  const variants: VariantInfo[] = [];
  for (const { preset, spec } of planned) {
    options.signal.throwIfAborted();
    const started = process.hrtime.bigint();
    const resized = spec.width < base.width ? pipeline.clone().resize({ width: spec.width }) : pipeline.clone();
    const { data, info } = await encodeAs(resized, spec).toBuffer({ resolveWithObject: true });
    const key = variantKey(sha256, variantName(spec), OUTPUT_EXT[spec.format]);
    await store.put(key, data, {
      contentType: OUTPUT_MIME[spec.format],
      metadata: { source: sha256, width: String(info.width), height: String(info.height) },
    });
    variants.push({ name: preset, key, format: spec.format, width: info.width, height: info.height, bytes: data.length });
    options.onVariant?.(preset, spec.format, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return { variants, placeholder };
}
