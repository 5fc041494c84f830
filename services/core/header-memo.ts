/**
 * Memoises a pure function of one request header. Real browsers send a few hundred distinct
 * User-Agent and Accept values, all of them well under a kilobyte, so a small map saves the
 * parse on almost every request. Header values are attacker-chosen, though: a count-bounded
 * map of 16 KB keys is 160 MB at 10,000 entries. So only values up to `maxKeyLength` are
 * remembered (longer ones are computed every time, which is no slower than uncached), which
 * bounds the map by bytes: at most `maxEntries × maxKeyLength` characters of keys.
 */
export interface HeaderMemoOptions {
  maxEntries: number;
  maxKeyLength: number;
}

export const HEADER_MEMO_MAX_KEY_LENGTH = 512;

export function headerMemo<T>(compute: (value: string) => T, options: HeaderMemoOptions): (value: string) => T {
  const seen = new Map<string, T>();
  return (value) => {
    const hit = seen.get(value);
    if (hit !== undefined) return hit;
    const result = compute(value);
    if (value.length <= options.maxKeyLength) {
      // Clearing, not LRU: the working set refills in a few requests, and it keeps the hit path to one lookup.
      if (seen.size >= options.maxEntries) seen.clear();
      seen.set(value, result);
    }
    return result;
  };
}
