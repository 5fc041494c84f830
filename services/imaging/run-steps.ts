import { AppError } from '../core/errors.js';
import { classifyFailure, TransformError } from './transform-failure.js';

/** One materialising step of a transform: a decode to pixels, a placeholder, an encoded output. */
export interface JobStep {
  name: string;
  run(): Promise<void>;
}

/**
 * Runs a transform's steps in order, checking between them whether the caller still wants
 * the result (the resizer's job timeout or shutdown, every origin client gone), and names a
 * failure by its step and class: the step's own clock decides a timeout (transform-failure.ts).
 * An abandoned transform and the service's own errors pass through as they are.
 */
export async function runSteps(steps: readonly JobStep[], options: { signal?: AbortSignal | undefined; timeoutSeconds: number }): Promise<void> {
  for (const step of steps) {
    options.signal?.throwIfAborted();
    const started = performance.now();
    try {
      await step.run();
    } catch (err) {
      if (options.signal?.aborted || err instanceof AppError || err instanceof TransformError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new TransformError(message, classifyFailure(message, performance.now() - started, options.timeoutSeconds), step.name, { cause: err });
    }
  }
}
