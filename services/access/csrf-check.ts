/**
 * Whether a request authenticated by the session cookie may change anything. Browsers attach
 * the cookie to requests other sites make (SameSite=Lax still lets top-level form posts and
 * some navigations through), so a write must prove it came from the app itself, twice over:
 * the session's CSRF token in a header (which a cross-site form cannot set), and a same-origin
 * signal from the browser (`Sec-Fetch-Site`, or `Origin` where the browser sends no fetch
 * metadata). Requests carrying neither signal come from outside browsers (curl, scripts) and
 * rely on the token alone. Pure, so every case is a table row.
 */
export interface CsrfInput {
  method: string;
  /** The session's token, or undefined to check the origin only (sign-in). */
  expectedToken: string | undefined;
  tokenHeader: string | undefined;
  secFetchSite: string | undefined;
  origin: string | undefined;
  /** The service's own origin, `scheme://host[:port]`, as the browser sees it. */
  selfOrigin: string;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfVerdict(input: CsrfInput, tokensEqual: (a: string, b: string) => boolean): CsrfVerdict {
  if (SAFE.has(input.method.toUpperCase())) return { ok: true };
  const site = input.secFetchSite?.toLowerCase();
  if (site !== undefined) {
    if (site !== 'same-origin' && site !== 'none') return { ok: false, reason: `a ${site} request may not use the session cookie to change anything` };
  } else if (input.origin !== undefined && input.origin !== input.selfOrigin) {
    return { ok: false, reason: 'a request from another origin may not use the session cookie to change anything' };
  }
  if (input.expectedToken === undefined) return { ok: true };
  if (!input.tokenHeader || !tokensEqual(input.tokenHeader, input.expectedToken)) {
    return { ok: false, reason: 'send the session\'s CSRF token in the X-CSRF-Token header (from POST or GET /v1/session)' };
  }
  return { ok: true };
}
