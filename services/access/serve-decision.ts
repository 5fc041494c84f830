import type { Principal } from '../accounts/principal.js';
import { decideView, needsGrant, type ImageAccessFacts, type ViewContext } from './decide.js';
import type { MinterCheck } from './minter-check.js';
import type { SignatureCheck } from './url-signing.js';

/**
 * The `/i/` answer to `image.view`, in the words the origin needs to pick a Cache-Control:
 * - `public`: anyone may see it (shared caches may keep it);
 * - `private`: this caller may see it, others may not (no shared cache);
 * - `signed`: a signed URL from the owner's key or the service (cached until it expires);
 * - `delegated`: a signed URL someone else minted (`by=`), lending their access;
 * - `hidden`: the unknown-image 404; `revoked`: the signature no longer counts (403);
 * - `ask_grant`, `ask_minter`: the answer needs a lookup first (the owner's grant, or whether
 *   the minter of a signed URL may still see the image).
 */
export type ServeDecision = 'public' | 'private' | 'signed' | 'delegated' | 'hidden' | 'revoked' | 'ask_grant' | 'ask_minter';

export interface ServeFacts extends ImageAccessFacts {
  /** Moved on by the owner to revoke every signed URL of the image. */
  readonly signingEpoch?: number | undefined;
}

// Shared, so the hot path allocates no context per request.
const NOT_GRANTED: ViewContext = Object.freeze({ granted: false, signed: false });
const GRANTED: ViewContext = Object.freeze({ granted: true, signed: false });

/**
 * The `image.view` decision for `/i/`, synchronous and pure: the facts not yet looked up are
 * undefined (`granted`: the owner's grant to the caller; `minterSees`: whether the key behind a
 * `by=` signed URL may still see the image). Unsigned requests are decided by `decideView`
 * itself, the rule `check('image.view')` applies everywhere else.
 */
export function decideServe(p: Principal, image: ServeFacts, sig: SignatureCheck, granted: boolean | undefined, minterSees: boolean | undefined): ServeDecision {
  if (image.deletedAt !== undefined) return 'hidden';
  if (sig.signed) {
    if ((image.signingEpoch ?? 0) !== sig.ep) return 'revoked';
    if (sig.by === undefined) return 'signed';
    // Anyone may see a public image: who minted its URL no longer matters.
    if (image.visibility === 'public') return 'delegated';
    if (minterSees === undefined) return 'ask_minter';
    return minterSees ? 'delegated' : 'revoked';
  }
  if (granted === undefined && needsGrant(p, image)) return 'ask_grant';
  if (decideView(p, image, granted === true ? GRANTED : NOT_GRANTED) === 'not_found') return 'hidden';
  // Public bytes stay CDN-cacheable even when a key came along; private ones never enter a shared cache.
  return image.visibility === 'public' ? 'public' : 'private';
}

/**
 * The serving path's decision from memory alone: a minter's state is peeked from its cache;
 * `ask_grant` or `ask_minter` when the answer needs Redis (see `serveLater`).
 */
export function serveNow(p: Principal, image: ServeFacts, sig: SignatureCheck, minters: Pick<MinterCheck, 'peek'>, nowMs: number): ServeDecision {
  const decision = decideServe(p, image, sig, undefined, undefined);
  if (decision !== 'ask_minter' || !sig.signed) return decision;
  return decideServe(p, image, sig, undefined, minters.peek(sig.by!, image, nowMs));
}

/** The same decision with every lookup it needs made. */
export async function serveLater(
  p: Principal,
  image: ServeFacts,
  sig: SignatureCheck,
  lookups: { minters: Pick<MinterCheck, 'check'>; granted: (p: Principal, image: ImageAccessFacts) => Promise<boolean> },
  nowMs: number,
): Promise<Exclude<ServeDecision, 'ask_grant' | 'ask_minter'>> {
  const decision = decideServe(p, image, sig, undefined, undefined);
  if (decision === 'ask_minter' && sig.signed) return decided(decideServe(p, image, sig, undefined, await lookups.minters.check(sig.by!, image, nowMs)));
  if (decision === 'ask_grant') return decided(decideServe(p, image, sig, await lookups.granted(p, image), undefined));
  return decided(decision);
}

function decided(d: ServeDecision): Exclude<ServeDecision, 'ask_grant' | 'ask_minter'> {
  if (d === 'ask_grant' || d === 'ask_minter') throw new Error(`the serve decision still asks for a lookup (${d}) after it was made`);
  return d;
}
