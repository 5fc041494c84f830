import type { Request } from 'express';

/** Returned URLs use the configured public base (a CDN domain), else the host the client used. */
export function publicBaseUrl(req: Request, configured: string | undefined): string {
  if (configured) return configured;
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}
