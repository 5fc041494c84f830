import { z } from 'zod';
import { parseByteSize } from './byte-size.js';

/** A byte count setting (`52428800`, `50MiB`), shared by the settings tables. */
export function byteSize(fallback: number) {
  return z
    .string()
    .transform((s, ctx) => {
      const n = parseByteSize(s);
      if (n === undefined || n < 1) {
        ctx.addIssue({ code: 'custom', message: 'expected a positive byte count such as 52428800 or 50MiB' });
        return z.NEVER;
      }
      return n;
    })
    .default(fallback);
}
