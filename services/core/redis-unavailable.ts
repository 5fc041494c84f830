import { AppError } from './errors.js';

/**
 * Errors that mean "Redis cannot answer right now" rather than "this request is wrong" or "our
 * code is wrong": the client fails fast while a server is unreachable, and a Cluster or Sentinel
 * failover shows up as these for a few seconds (a slot without a primary, a demoted primary
 * refusing writes, redirections that run out). Told apart by name and message, since they come
 * from ioredis and from the server; core imports no client.
 */
const NAMES = new Set(['MaxRetriesPerRequestError', 'ClusterAllFailedError']);
const CLIENT_MESSAGES = [
  /^Connection is closed/,
  /^Cluster isn't ready/,
  /^None of startup nodes is available/,
  /^Too many Cluster redirections/,
  /^Command timed out/,
  /^Stream isn't writeable/,
  /^Failed to refresh slots cache/,
  /^Reached the max retries per request limit/,
];
/** Server replies during a failover or a restart. */
const SERVER_REPLIES = /^(CLUSTERDOWN|TRYAGAIN|LOADING|MASTERDOWN|READONLY|NOREPLICAS)\b/;

export function isRedisUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (NAMES.has(err.name)) return true;
  if (CLIENT_MESSAGES.some((re) => re.test(err.message))) return true;
  return SERVER_REPLIES.test(err.message);
}

/** A 503 with Retry-After for such an error, so the client retries instead of seeing a 500. */
export function redisUnavailableError(err: unknown): AppError | undefined {
  if (err instanceof AppError || !isRedisUnavailable(err)) return undefined;
  return new AppError(503, 'redis_unavailable', 'the index is briefly unavailable (Redis failover or restart); retry shortly', { cause: err, retryAfterSeconds: 1 });
}
