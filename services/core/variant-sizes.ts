import { MAX_OUTPUT_WIDTH } from './width-ladder.js';

/**
 * A size the origin renders exactly for anyone, as the URL names it (CSS pixels, before `dpr`):
 * `300` is `?w=300`, `640x480` is `?w=640&h=480` (any fit), `x200` is `?h=200`. Every other
 * explicit size from an unsigned URL snaps to the width ladder (issue 21, item 6).
 */
export interface AllowedSize {
  width?: number;
  height?: number;
}

/** An owner's list stays short: each entry is a transform anyone may ask for, per image and format. */
export const MAX_OWNER_SIZES = 32;

const SIZE_RE = /^(\d{1,4})?(?:x(\d{1,4}))?$/;

/** Parses one entry, or says what is wrong with it. */
export function parseSize(text: string): AllowedSize | string {
  const match = SIZE_RE.exec(text);
  const [, w, h] = match ?? [];
  if (!match || (w === undefined && h === undefined)) return `expected a size such as 300, 640x480 or x200 but received ${JSON.stringify(text)}`;
  const size: AllowedSize = {};
  for (const [name, value] of [['width', w], ['height', h]] as const) {
    if (value === undefined) continue;
    const n = Number(value);
    if (n < 1 || n > MAX_OUTPUT_WIDTH) return `expected ${name}s from 1 to ${MAX_OUTPUT_WIDTH} in ${JSON.stringify(text)}`;
    size[name] = n;
  }
  return size;
}

/** A comma-separated list (the setting), each entry checked; duplicates are kept once. */
export function parseSizes(text: string): { sizes: AllowedSize[] } | { problems: string[] } {
  const problems: string[] = [];
  const sizes: AllowedSize[] = [];
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const size = parseSize(entry);
    if (typeof size === 'string') problems.push(size);
    else if (!sizes.some((s) => sameSize(s, size))) sizes.push(size);
  }
  return problems.length > 0 ? { problems } : { sizes };
}

/** The entry as written: `300`, `640x480`, `x200`. */
export function formatSize(size: AllowedSize): string {
  return `${size.width ?? ''}${size.height !== undefined ? `x${size.height}` : ''}`;
}

export function sameSize(a: AllowedSize, b: AllowedSize): boolean {
  return a.width === b.width && a.height === b.height;
}

/** Whether a URL's `w` and `h` (either may be absent) are exactly one of the sizes. */
export function sizeAllowed(sizes: readonly AllowedSize[], width: number | undefined, height: number | undefined): boolean {
  return sizes.some((s) => s.width === width && s.height === height);
}

/** Which explicit sizes and qualities a request may have exactly; everything else snaps. */
export interface SizePolicy {
  /** A signed URL: whoever signed it chose its size and quality, so both are honoured exactly. */
  signed: boolean;
  /** The operator's sizes (IMGSVC_VARIANT_SIZES) and the image owner's, exact for anyone. */
  allowed: readonly AllowedSize[];
}

/** An unsigned request with no sizes allowed: every explicit size snaps to the ladder. */
export const SNAP_ALL: SizePolicy = Object.freeze({ signed: false, allowed: Object.freeze([]) });
/** A signed request: every explicit size is exact. */
export const SIGNED: SizePolicy = Object.freeze({ signed: true, allowed: Object.freeze([]) });
