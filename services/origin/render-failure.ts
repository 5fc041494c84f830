/**
 * Whether a failed render was the time limit rather than bad input. The error text alone
 * cannot say: libvips keeps one error buffer for the whole process, so when two renders fail
 * at once one of them can read both messages and the other only an unrelated remainder (seen:
 * a PNG render killed at its limit failing with just "vips2png: unable to write to target").
 * So a render that failed at or past its limit counts as a timeout whatever the text, and so
 * does one whose text says it was timed out or killed (only the timeout kills a render).
 */
export function isRenderTimeout(err: unknown, elapsedMs: number, timeoutSeconds: number): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /timeout|killed/i.test(message) || elapsedMs >= timeoutSeconds * 1000;
}
