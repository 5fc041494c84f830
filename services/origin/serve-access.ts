import type { Authenticator } from '../accounts/authenticator.js';
import { ANONYMOUS, type Principal } from '../accounts/principal.js';
import type { ImageGuard } from '../access/image-guard.js';
import { hidden } from '../access/image-guard.js';
import type { MinterCheck } from '../access/minter-check.js';
import { serveLater, serveNow, type ServeDecision } from '../access/serve-decision.js';
import { signatureRevoked, type SignatureCheck } from '../access/url-signing.js';
import { PRIVATE_CACHE_CONTROL, signedCacheControl } from '../http/cache-control.js';
import type { ImageRecord } from '../images/image-record.js';

export interface ServeAccessDeps {
  authenticator: Authenticator;
  guard: ImageGuard;
  publicCacheControl: string;
  cacheMaxAgeSeconds: number;
  /** Whether the key behind a `by=` signed URL may still see the image. */
  minters: MinterCheck;
  /**
   * The shared-cache lifetime of a URL someone other than the owner minted: a CDN keeps serving
   * what it holds until then, so this bounds how long a revocation takes to reach its edge.
   */
  delegatedMaxAgeSeconds: number;
}

/** What a `/i/` request brings to the access decision. */
export interface RequestCredentials {
  signature: SignatureCheck;
  authorization: string | undefined;
}

type Signed = Extract<SignatureCheck, { signed: true }>;

/**
 * The access decision on the serving path, as the Cache-Control the response may carry: asked
 * of `access/serve-decision.ts` (the synchronous form of `image.view`), never decided here. The
 * common case (a public image, no key, no signature) allocates nothing and awaits nothing.
 * Returns undefined when the answer needs a lookup (an uncached key, a grant, or the minter of
 * a signed URL); throws the unknown-image 404 when the caller may not see the image.
 */
export function accessNow(record: ImageRecord, creds: RequestCredentials, deps: ServeAccessDeps, nowMs = Date.now()): string | undefined {
  let principal: Principal = ANONYMOUS;
  if (creds.authorization !== undefined) {
    // A presented key is checked first, even where a signature alone would do, and before
    // anything about the image: a bad key is the same 401 for any id, known or not.
    const known = deps.authenticator.peek(creds.authorization, nowMs);
    if (!known) return undefined;
    principal = known;
  }
  const decision = serveNow(principal, record, creds.signature, deps.minters, nowMs);
  return decision === 'ask_grant' || decision === 'ask_minter' ? undefined : cacheControlFor(decision, record, creds.signature, deps, nowMs);
}

export async function accessLater(record: ImageRecord, creds: RequestCredentials, deps: ServeAccessDeps): Promise<string> {
  const now = accessNow(record, creds, deps);
  if (now !== undefined) return now;
  const principal = creds.authorization === undefined ? ANONYMOUS : await deps.authenticator.authenticate(creds.authorization);
  const nowMs = Date.now();
  const decision = await serveLater(principal, record, creds.signature, { minters: deps.minters, granted: (p, image) => deps.guard.grantFor(p, image) }, nowMs);
  return cacheControlFor(decision, record, creds.signature, deps, nowMs);
}

/** The response's Cache-Control for what access decided, or the refusal it means. */
function cacheControlFor(decision: ServeDecision, record: ImageRecord, sig: SignatureCheck, deps: ServeAccessDeps, nowMs: number): string {
  switch (decision) {
    case 'public':
      return deps.publicCacheControl;
    case 'private':
      return PRIVATE_CACHE_CONTROL;
    // 'signed' and 'delegated' come only from a request with a valid signature.
    case 'signed':
      return signedCacheControl(deps.cacheMaxAgeSeconds, (sig as Signed).exp, nowMs);
    case 'delegated':
      // A URL someone other than the owner minted: a CDN keeps it no longer than a revocation may take.
      return signedCacheControl(Math.min(deps.cacheMaxAgeSeconds, deps.delegatedMaxAgeSeconds), (sig as Signed).exp, nowMs);
    case 'revoked':
      throw signatureRevoked();
    default:
      // 'hidden', and (never reached) a lookup left unmade: the unknown-image 404 either way.
      throw hidden(record.id);
  }
}

/** Who a full-resolution download lease is held for: the key's user, else the client address. */
export function leaseHolder(creds: RequestCredentials, address: string, deps: ServeAccessDeps): string {
  const principal = creds.authorization === undefined ? undefined : deps.authenticator.peek(creds.authorization);
  return principal?.kind === 'user' ? `u:${principal.userId}` : `a:${address}`;
}
