import type { ServerResponse } from 'node:http';
import type { AppError } from '../core/errors.js';

/** Writes an AppError as the service's JSON error body (headers only for HEAD). */
export function sendError(res: ServerResponse, error: AppError, method: string | undefined): void {
  if (res.headersSent) {
    // Part of a body went out already: the only honest signal left is a broken connection.
    res.destroy();
    return;
  }
  const body = JSON.stringify(error.toJSON());
  res.statusCode = error.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  // The rest of the body was never read (too large, or the client stalled): end the connection.
  if (error.status === 413 || error.status === 408) res.setHeader('Connection', 'close');
  const retryAfter = error.retryAfterSeconds ?? (typeof error.details?.retryAfterSeconds === 'number' ? error.details.retryAfterSeconds : undefined);
  if ((error.status === 503 || error.status === 429) && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter ?? 1))));
  if (error.status === 401 && typeof error.details?.wwwAuthenticate === 'string') res.setHeader('WWW-Authenticate', error.details.wwwAuthenticate);
  if (error.status === 405 && typeof error.details?.allow === 'string') res.setHeader('Allow', error.details.allow);
  res.end(method === 'HEAD' ? undefined : body);
}
