import { LRUCache } from 'lru-cache';
import type { SignatureCheck } from '../access/url-signing.js';

export interface ParsedQueryMemo {
  query: Record<string, string | string[]>;
  signature: SignatureCheck;
}

/** Longer URLs are parsed and checked every time: an attacker cannot fill the cache with them. */
const MAX_KEY = 512;

/**
 * The parsed query, and the verified signature, of URLs seen lately. A signed URL is requested
 * again and again (every viewer of a shared page, every CDN miss), and checking it is most of
 * what a signed hit costs beyond a public one: after the first request it costs a lookup and a
 * comparison of `exp` with the clock. Only URLs that passed are remembered; the key ring is
 * fixed for the life of the process, so a remembered verdict stays true until `exp`.
 */
export class QueryMemo {
  private readonly cache = new LRUCache<string, ParsedQueryMemo>({ max: 50_000 });

  get(url: string): ParsedQueryMemo | undefined {
    return url.length > MAX_KEY ? undefined : this.cache.get(url);
  }

  set(url: string, value: ParsedQueryMemo): void {
    if (url.length <= MAX_KEY) this.cache.set(url, value);
  }
}
