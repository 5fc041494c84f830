/** The session cookie: its name, how it is read from a request and how it is written. */
export const SESSION_COOKIE = 'imgsvc_session';

/** The value of the session cookie in a `Cookie` header, if any (the first one, as browsers send the most specific first). */
export function readSessionCookie(header: string | undefined): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}

/**
 * `HttpOnly` keeps it from scripts (an injected script cannot carry it off), `SameSite=Lax`
 * keeps it off cross-site subrequests and form posts, `Path=/` because the API and the app
 * share the origin; `Secure` when the app is served over TLS.
 */
export function sessionCookie(value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return [`${SESSION_COOKIE}=${value}`, 'HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${Math.max(0, Math.floor(opts.maxAgeSeconds))}`, ...(opts.secure ? ['Secure'] : [])].join('; ');
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', { secure, maxAgeSeconds: 0 });
}
