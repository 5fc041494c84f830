/**
 * The shape of an API key's text, `imgsvc_<key id: 16 hex>_<secret: 32 random bytes, base64url>`:
 * read by the settings (a bootstrap key given in the environment is checked at start-up) and
 * by accounts/ before any lookup, so it sits in core/.
 */
const TOKEN_RE = /^imgsvc_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
export const TOKEN_LENGTH = 67;

/** The key id of a well-formed token, or undefined: decided before any lookup. */
export function parseToken(token: string): { id: string } | undefined {
  if (token.length !== TOKEN_LENGTH) return undefined;
  const m = TOKEN_RE.exec(token);
  return m ? { id: m[1]! } : undefined;
}
