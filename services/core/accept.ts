import { HEADER_MEMO_MAX_KEY_LENGTH, headerMemo } from './header-memo.js';

/**
 * Parses an Accept header into media ranges with q-values (RFC 9110 §12.5.1). Pure and small:
 * negotiation only needs to know how much a client wants each image type.
 */
export interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Browsers send a handful of distinct Accept values: parse each short one once (results are never mutated). */
const parseMemo = headerMemo(parseUncached, { maxEntries: 1_000, maxKeyLength: HEADER_MEMO_MAX_KEY_LENGTH });

export function parseAccept(header: string | undefined): MediaRange[] {
  return header ? parseMemo(header) : [];
}

function parseUncached(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [mediaType = '', ...params] = part.split(';');
    const [type, subtype] = mediaType.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name === 'q' && value !== undefined) {
        const parsed = Number(value);
        q = Number.isFinite(parsed) ? Math.min(1, Math.max(0, parsed)) : 1;
      }
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/**
 * The q-value a client gives `mime`: the most specific matching range decides. With
 * `explicitOnly`, wildcards do not count: browsers send `image/*` and `*\/*` even when they
 * cannot decode AVIF, so new formats are only sent to clients that name them.
 */
export function qualityFor(ranges: MediaRange[], mime: string, explicitOnly: boolean): number {
  const [type, subtype] = mime.split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const r of ranges) {
    const specificity = r.type === type && r.subtype === subtype ? 2 : r.type === type && r.subtype === '*' ? 1 : r.type === '*' && r.subtype === '*' ? 0 : -1;
    if (specificity < 0 || (explicitOnly && specificity < 2)) continue;
    if (!best || specificity > best.specificity) best = { specificity, q: r.q };
  }
  return best?.q ?? 0;
}
