import type { PlannedVariant } from '../core/eager-presets.js';
import { OUTPUT_EXT, OUTPUT_MIME, variantName } from '../core/variant-spec.js';
import type { VariantInfo } from '../images/image-record.js';
import { runTransform } from '../imaging/run-transform.js';
import type { SourceInfo } from '../imaging/source-info.js';
import type { TransformLimits } from '../imaging/transform-limits.js';
import { variantKey } from '../storage/keys.js';
import type { ObjectStore } from '../storage/object-store.js';

export interface MadeVariants {
  variants: VariantInfo[];
  placeholder: string;
}

export interface MakeOptions {
  limits: TransformLimits;
  /** Aborted when the job runs out of time or the worker shuts down; checked between steps. */
  signal: AbortSignal;
  /** Told how long each variant took (resize, encode and store), for the per-preset histogram. */
  onVariant?: (preset: string, format: string, seconds: number) => void;
}

/**
 * The steps of one job, in order: the shared transform makes every planned variant (and the
 * placeholder) from as few decodes as the specs allow, then each is stored under a key derived
 * from the original's hash and the variant spec (a retry writes the same bytes to the same keys).
 */
export async function makeVariants(
  sha256: string,
  original: Buffer,
  source: SourceInfo,
  planned: PlannedVariant[],
  store: ObjectStore,
  options: MakeOptions,
): Promise<MadeVariants> {
  const { outputs, placeholder } = await runTransform(original, source, planned.map((p) => p.spec), options.limits, {
    signal: options.signal,
    placeholder: true,
  });
  const variants: VariantInfo[] = [];
  for (const [i, { preset, spec }] of planned.entries()) {
    options.signal.throwIfAborted();
    const stored = process.hrtime.bigint();
    const { data, width, height, seconds } = outputs[i]!;
    const key = variantKey(sha256, variantName(spec), OUTPUT_EXT[spec.format]);
    await store.put(key, data, {
      contentType: OUTPUT_MIME[spec.format],
      metadata: { source: sha256, width: String(width), height: String(height) },
    });
    variants.push({ name: preset, key, format: spec.format, width, height, bytes: data.length });
    options.onVariant?.(preset, spec.format, seconds + Number(process.hrtime.bigint() - stored) / 1e9);
  }
  return { variants, placeholder: placeholder ?? '' };
}
