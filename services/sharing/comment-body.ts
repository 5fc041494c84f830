import { z } from 'zod';

export const MAX_COMMENT_CHARS = 2_000;

/** Line feeds and tabs are text; every other C0/C1 control (CR, NUL, ESC, DEL …) is refused. */
const COMMENT_CONTROL_RE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/u;

/**
 * A comment's body: trimmed, then 1 to 2,000 characters counted in code points (an emoji is
 * one, as a reader counts it, not two UTF-16 units). Kept exactly as written otherwise: no
 * normalisation and no escaping, since it is only ever sent back as a JSON string.
 */
export const commentBodySchema = z
  .string({ error: 'expected a string for body' })
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .refine((s) => s.length > 0, 'expected a comment of 1 to 2000 characters but it is empty (or only whitespace)')
      .refine((s) => [...s].length <= MAX_COMMENT_CHARS, { error: (i) => `expected a comment of at most ${MAX_COMMENT_CHARS} characters but received ${[...String(i.input)].length}` })
      .refine((s) => !COMMENT_CONTROL_RE.test(s), 'expected a comment without control characters (line feeds and tabs are fine)'),
  );
