import type { Authenticator } from '../accounts/authenticator.js';
import { ANONYMOUS, type Principal } from '../accounts/principal.js';
import type { ImageGuard } from '../access/image-guard.js';
import { hidden } from '../access/image-guard.js';
import { decideView, needsGrant } from '../access/decide.js';
import type { SignatureCheck } from '../access/url-signing.js';
import { PRIVATE_CACHE_CONTROL, signedCacheControl } from '../http/cache-control.js';
import type { ImageRecord } from '../images/image-record.js';

export interface ServeAccessDeps {
  authenticator: Authenticator;
  guard: ImageGuard;
  publicCacheControl: string;
  cacheMaxAgeSeconds: number;
}

/** What a `/i/` request brings to the access decision. */
export interface RequestCredentials {
  signature: SignatureCheck;
  authorization: string | undefined;
}

/**
 * The access decision on the serving path, as the Cache-Control the response may carry. The
 * common case (a public image, no key, no signature) is one field check. Returns undefined
 * when the answer needs a lookup (an uncached key or a grant); throws the unknown-image 404
 * when the caller may not see the image.
 */
export function accessNow(record: ImageRecord, creds: RequestCredentials, deps: ServeAccessDeps, nowMs = Date.now()): string | undefined {
  if (record.deletedAt !== undefined) throw hidden(record.id);
  if (creds.authorization === undefined) {
    if (creds.signature.signed) return signedCacheControl(deps.cacheMaxAgeSeconds, creds.signature.exp, Math.floor(nowMs / 1000));
    if (record.visibility === 'public') return deps.publicCacheControl;
    throw hidden(record.id);
  }
  // A presented key is checked even where a signature alone would do: a bad key is a 401 everywhere.
  const principal = deps.authenticator.peek(creds.authorization, nowMs);
  if (!principal) return undefined;
  if (creds.signature.signed) return signedCacheControl(deps.cacheMaxAgeSeconds, creds.signature.exp, Math.floor(nowMs / 1000));
  if (needsGrant(principal, record)) return undefined;
  return decide(record, principal, false, deps);
}

export async function accessLater(record: ImageRecord, creds: RequestCredentials, deps: ServeAccessDeps): Promise<string> {
  const now = accessNow(record, creds, deps);
  if (now !== undefined) return now;
  const principal = creds.authorization === undefined ? ANONYMOUS : await deps.authenticator.authenticate(creds.authorization);
  if (creds.signature.signed) return signedCacheControl(deps.cacheMaxAgeSeconds, creds.signature.exp, Math.floor(Date.now() / 1000));
  const granted = needsGrant(principal, record) && (await deps.guard.canView(principal, record));
  return decide(record, principal, granted, deps);
}

/** Who a full-resolution download lease is held for: the key's user, else the client address. */
export function leaseHolder(creds: RequestCredentials, address: string, deps: ServeAccessDeps): string {
  const principal = creds.authorization === undefined ? undefined : deps.authenticator.peek(creds.authorization);
  return principal?.kind === 'user' ? `u:${principal.userId}` : `a:${address}`;
}

function decide(record: ImageRecord, principal: Principal, granted: boolean, deps: ServeAccessDeps): string {
  if (decideView(principal, record, { granted, signed: false }) === 'not_found') throw hidden(record.id);
  // Public bytes stay CDN-cacheable even when a key came along; private ones never enter a shared cache.
  return record.visibility === 'public' ? deps.publicCacheControl : PRIVATE_CACHE_CONTROL;
}
