/**
 * The admin key of each running test service, by its URL's origin, so the upload helpers
 * authenticate like a real client. The last one remembered stands in for a service restarted
 * on the same data folder (it keeps its users, so it prints no new key).
 */
const keys = new Map<string, string>();
let last: string | undefined;

export const TOKEN_RE = /imgsvc_[0-9a-f]{16}_[A-Za-z0-9_-]{43}/;

export function rememberKey(baseUrl: string, token: string): void {
  keys.set(new URL(baseUrl).origin, token);
  last = token;
}

export function keyFor(baseUrl: string): string | undefined {
  return keys.get(new URL(baseUrl).origin) ?? last;
}

export function authHeaders(baseUrl: string): Record<string, string> {
  const key = keyFor(baseUrl);
  return key ? { authorization: `Bearer ${key}` } : {};
}
