import type { Request } from 'express';

/**
 * Returned URLs use the configured public base (a CDN domain), else the host the client used.
 * In the fallback the response depends on the `Host` header, which the client chooses: say so
 * with `Vary: Host`, so a shared cache never serves one client's host in another's links (set
 * IMGSVC_PUBLIC_BASE_URL to make these responses the same for everyone).
 */
export function publicBaseUrl(req: Request, configured: string | undefined): string {
  if (configured) return configured;
  req.res?.vary('Host');
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
