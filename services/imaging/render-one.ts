import type { VariantSpec } from '../core/variant-spec.js';
import { runTransform, type Rendered } from './run-transform.js';
import { inspectSource } from './source-info.js';
import type { TransformLimits } from './transform-limits.js';

/** One variant from source bytes through the shared transform (benchmarks and tests). */
export async function renderOne(source: Buffer, spec: VariantSpec, limits: TransformLimits): Promise<Rendered> {
  const info = await inspectSource(source, limits);
  const { outputs } = await runTransform(source, info, [spec], limits);
  return outputs[0]!;
}
