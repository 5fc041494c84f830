/**
 * What a failed transform was, the one classification the resizer and the origin share:
 * - `timeout`: the time limit, whatever the text says (below), so retried later;
 * - `undecodable`: the bytes themselves do not decode, a failure no retry fixes;
 * - `unknown`: anything else (the resizer settles it with one strict decode, `decode-check.ts`).
 */
export type TransformFailureKind = 'timeout' | 'undecodable' | 'unknown';

/** libvips reports unreadable input through sharp with these words. */
const UNDECODABLE = /(Vips|unsupported image format|corrupt|premature end|Input (buffer|file)|bad (seek|header)|libpng|libspng|read error|Warning treated as error|gifload|tiff2vips|heif|exceeds pixel limit)/i;

/**
 * The error text alone cannot tell a timeout: libvips keeps one error buffer for the whole
 * process, so when two renders fail at once one of them can read both messages and the other
 * only an unrelated remainder (seen: a PNG render killed at its limit failing with just
 * "vips2png: unable to write to target"). So a step that failed at or past its limit is a
 * timeout whatever the text, and so is one whose text says it timed out or was killed (only
 * the timeout kills a render). Checked before the decode words, which "VipsImage: killed" matches.
 */
export function classifyFailure(message: string, elapsedMs: number, timeoutSeconds: number): TransformFailureKind {
  if (/timeout|killed/i.test(message) || elapsedMs >= timeoutSeconds * 1000) return 'timeout';
  if (UNDECODABLE.test(message)) return 'undecodable';
  return 'unknown';
}

/** A step of the transform failed: the decoder's message as it was, with its class and the step's name. */
export class TransformError extends Error {
  constructor(
    message: string,
    readonly kind: TransformFailureKind,
    readonly step: string,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'TransformError';
  }
}

/** The class of any failure: a TransformError's own, else from its text (no clock: a failure outside a step). */
export function failureKind(err: unknown): TransformFailureKind {
  if (err instanceof TransformError) return err.kind;
  return classifyFailure(err instanceof Error ? err.message : String(err), 0, Number.POSITIVE_INFINITY);
}

/** The decoder's first line: what a person can act on, without libvips' repeated detail. */
export function firstLine(err: unknown): string {
  return err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err);
}
