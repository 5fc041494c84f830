import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../core/logger.js';
import type { HttpMetrics } from './http-metrics.js';
import { requestIdOf } from './request-ids.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express types its locals through this global namespace.
  namespace Express {
    interface Locals {
      requestId: string;
      log: Logger;
    }
  }
}

/** URLs that carry a credential in their path (a set-password link's token) are logged without it. */
export function loggableUrl(url: string): string {
  return url.replace(/^(\/v1\/password-links\/)[^/?#]*/, '$1<redacted>');
}

/** Paths whose every hit would drown the access log (probes and scrapes). */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Gives each request an id (the caller's `X-Request-Id` when it is sane), a child logger that
 * carries it, and on finish records the route pattern, status and duration in the metrics.
 */
export function requestContext(deps: { logger: Logger; metrics: HttpMetrics }): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.locals.log = deps.logger.child({ reqId: requestId });
    res.setHeader('X-Request-Id', requestId);
    deps.metrics.inFlight(1);

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      deps.metrics.inFlight(-1);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const status = res.writableFinished ? res.statusCode : 499;
      deps.metrics.finished(route, req.method, status, seconds);
      const level = status >= 500 ? 'error' : QUIET_PATHS.has(req.path) ? 'trace' : req.method === 'GET' || req.method === 'HEAD' ? 'debug' : 'info';
      res.locals.log[level](
        { method: req.method, url: loggableUrl(req.originalUrl), route, status, ms: Math.round(seconds * 1e4) / 10 },
        'request',
      );
    };
    res.once('finish', finish);
    res.once('close', finish);
    next();
  };
}
