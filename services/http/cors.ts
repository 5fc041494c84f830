import type { RequestHandler } from 'express';
import type { CorsOrigins } from '../core/cors-origins.js';

/** Request headers an API client sends: credentials, the body's type, and conditional writes. */
const ALLOW_HEADERS = 'Authorization, Content-Type, If-Match';
const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/** Response headers a page needs to read past the CORS-safelisted few. */
const EXPOSE_HEADERS = 'Location, ETag, Retry-After, RateLimit, RateLimit-Policy, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, X-Request-Id';
/** Browsers cache a preflight this long (Chromium caps it at 2 hours). */
const MAX_AGE_SECONDS = '600';

/**
 * CORS for the JSON API (IMGSVC_CORS_ORIGINS), so a page on another origin can call it and
 * read the answers. An allowed origin is echoed (with `Vary: Origin`, as the answer then
 * depends on it), or `*` when every origin is allowed; others get no CORS headers and the
 * browser keeps the response from the page. Preflights (`OPTIONS` with
 * `Access-Control-Request-Method`) are answered here with 204 and never reach a route. With no
 * origins configured, this does nothing. `/i/<id>` is not served by Express and always sends
 * `Access-Control-Allow-Origin: *` itself.
 */
export function cors(origins: CorsOrigins): RequestHandler {
  const any = origins === '*';
  const allowed = new Set(any ? [] : origins);
  return (req, res, next) => {
    if (!any && allowed.size === 0) {
      next();
      return;
    }
    const origin = req.headers.origin;
    const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (!any) res.vary('Origin');
    const ok = origin !== undefined && (any || allowed.has(origin));
    if (ok) res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
    if (!preflight) {
      if (ok) res.setHeader('Access-Control-Expose-Headers', EXPOSE_HEADERS);
      next();
      return;
    }
    if (ok) {
      res.setHeader('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.setHeader('Access-Control-Allow-Headers', ALLOW_HEADERS);
      res.setHeader('Access-Control-Max-Age', MAX_AGE_SECONDS);
    }
    res.vary('Access-Control-Request-Method').vary('Access-Control-Request-Headers');
    res.setHeader('Cache-Control', 'no-store');
    res.status(204).end();
  };
}
