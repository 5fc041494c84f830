import type { MemoryBudget } from '../core/memory-budget.js';
import type { VariantSpec } from '../core/variant-spec.js';
import { estimateTransformBytes } from './estimate-memory.js';
import { inspectSource, type SourceInfo } from './source-info.js';
import type { TransformLimits } from './transform-limits.js';

/**
 * The header says what the decodes for these specs will need; the work waits for that much
 * of the process's transform budget (shared by the resizer and the origin) and starts only if
 * its caller still wants it. Refused at once, `over_memory_budget`, when it could never fit.
 */
export async function withinBudget<T>(
  budget: MemoryBudget,
  original: Buffer,
  specs: readonly VariantSpec[],
  limits: TransformLimits,
  signal: AbortSignal | undefined,
  work: (info: SourceInfo) => Promise<T>,
): Promise<T> {
  const info = await inspectSource(original, limits);
  return budget.run(estimateTransformBytes(info, specs), () => {
    signal?.throwIfAborted();
    return work(info);
  });
}
