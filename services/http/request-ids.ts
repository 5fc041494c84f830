import { randomBytes } from 'node:crypto';

/**
 * Request ids in the form of a UUID: the first four groups random, drawn once per process,
 * the last a counter. Unique across a fleet for all practical purposes, and much cheaper than
 * randomUUID() on the hot path, where every response carries one. Not a secret: nothing may
 * depend on a request id being unguessable.
 */
const prefix = (() => {
  const hex = randomBytes(10).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(12, 15)}-${hex.slice(15, 19)}-`;
})();
let counter = 0;

export function nextRequestId(): string {
  counter = (counter + 1) % 0x1_0000_0000_0000;
  return prefix + counter.toString(16).padStart(12, '0');
}

/** A caller's `X-Request-Id` is kept when it is sane (it ends up in logs and a response header). */
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** The request's id: the caller's `X-Request-Id` when it is sane, else a fresh one. */
export function requestIdOf(incoming: string | string[] | undefined): string {
  return typeof incoming === 'string' && SANE_REQUEST_ID.test(incoming) ? incoming : nextRequestId();
}
