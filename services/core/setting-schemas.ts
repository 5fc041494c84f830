import { z } from 'zod';
import { parseByteSize } from './byte-size.js';
import { parseRateSpec } from './rate-spec.js';

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

/** A duration setting in milliseconds (`3600` seconds, `90m`, `1h`, `7d`), at least `minMs`. */
export function durationMs(fallback: string, minMs = 1000) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const m = /^([0-9]{1,7})(s|m|h|d)?$/.exec(text);
      const ms = m ? Number(m[1]) * 1000 * { s: 1, m: 60, h: 3600, d: 86_400 }[(m[2] ?? 's') as 's' | 'm' | 'h' | 'd'] : NaN;
      if (!(ms >= minMs)) {
        ctx.addIssue({ code: 'custom', message: `expected a duration of at least ${minMs / 1000} s such as 3600, 90m, 12h or 7d` });
        return z.NEVER;
      }
      return ms;
    });
}

/** A rate limit setting (`N/window`, or `off`); `examples` goes into the message for a bad one. */
export function rateSpec(fallback: string, examples: string) {
  return z
    .string()
    .default(fallback)
    .transform((text, ctx) => {
      const spec = parseRateSpec(text);
      if (spec === undefined) {
        ctx.addIssue({ code: 'custom', message: `expected N/window such as ${examples}, or off` });
        return z.NEVER;
      }
      return spec;
    });
}
