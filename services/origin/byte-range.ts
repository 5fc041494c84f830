/**
 * Rewrites suffix ranges longer than the representation (`bytes=-N`, N > size) to the whole
 * representation. RFC 9110 §14.1.3: "If the selected representation is shorter than the
 * specified suffix-length, the entire representation is used"; range-parser instead drops
 * such a range and reports the header unsatisfiable (416). Other specs pass through as sent.
 */
export function clampSuffixRanges(header: string, size: number): string {
  const eq = header.indexOf('=');
  if (eq < 0 || header.slice(0, eq).trim().toLowerCase() !== 'bytes') return header;
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((spec) => {
      const suffix = /^\s*-(\d+)\s*$/.exec(spec);
      return suffix && size > 0 && Number(suffix[1]) > size ? '0-' : spec;
    });
  return `${header.slice(0, eq)}=${specs.join(',')}`;
}
