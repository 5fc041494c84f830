import type { ServerResponse } from 'node:http';
import type { LimitResult } from './limiter.js';

/** The IETF httpapi draft's fields (RateLimit-Limit/Remaining/Reset and the policy), which clients and CDNs read. */
export function setRateLimitHeaders(res: ServerResponse, r: LimitResult): void {
  res.setHeader('RateLimit-Limit', String(r.limit));
  res.setHeader('RateLimit-Remaining', String(r.remaining));
  res.setHeader('RateLimit-Reset', String(r.resetSeconds));
  res.setHeader('RateLimit-Policy', `${r.limit};w=${r.windowSeconds}`);
}
