/** Exponential backoff with full jitter, capped: attempt 0 waits about `baseMs`. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  // Half fixed, half random: never zero (no hot loop), still spread across replicas.
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
