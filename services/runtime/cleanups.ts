import type { Logger } from '../core/logger.js';

/** What one started part needs to be stopped; run in the reverse order of starting. */
export type Cleanup = () => Promise<unknown>;

/**
 * Runs every cleanup, newest first; one that fails is logged and the rest still run. Each gets
 * at most `stepMs`: a part that never finishes stopping (a client waiting on a node that is
 * gone) must not hold the process, or the parts after it, forever. Returns the steps that ran
 * out of time, named by their source, so a slow shutdown says which part it was.
 */
export async function runCleanups(cleanups: Cleanup[], logger: Logger, stepMs = 10_000): Promise<string[]> {
  const late: string[] = [];
  for (const cleanup of cleanups.reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), stepMs);
    });
    try {
      if ((await Promise.race([cleanup(), outOfTime])) === 'late') {
        const step = cleanup.toString().replace(/\s+/g, ' ').slice(0, 120);
        late.push(step);
        logger.warn({ step, stepMs }, 'shutdown step did not finish in time; going on without it');
      }
    } catch (err) {
      logger.warn({ err }, 'error while shutting down');
    } finally {
      clearTimeout(timer);
    }
  }
  cleanups.length = 0;
  return late;
}
