/**
 * The origins allowed to read the JSON API from a browser: `*` (any), or a list of exact
 * origins (`https://app.example.com`, `http://localhost:3000`). An empty list, the default,
 * sends no CORS headers at all. Browsers compare origins as exact strings, so anything with a
 * path, a trailing slash or a wildcard inside would silently never match: it is refused here.
 */
export type CorsOrigins = '*' | readonly string[];

const ORIGIN_RE = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?$/;

export function parseCorsOrigins(text: string): { origins: CorsOrigins } | { problems: string[] } {
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (items.length === 1 && items[0] === '*') return { origins: '*' };
  const problems: string[] = [];
  for (const item of items) {
    if (item === '*') problems.push('expected either * alone or a list of origins, not * inside a list');
    else if (!ORIGIN_RE.test(item)) problems.push(`expected an origin such as https://app.example.com (scheme, lower-case host, optional port, no path) but received ${JSON.stringify(item)}`);
  }
  return problems.length > 0 ? { problems } : { origins: [...new Set(items)] };
}
