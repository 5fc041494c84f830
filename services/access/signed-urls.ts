import type { Preset } from '../core/eager-presets.js';
import type { Principal } from '../accounts/principal.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import type { KeyRing } from './key-ring.js';
import { signPath, type SignatureBinding } from './url-signing.js';

export interface UrlSigner {
  ring: KeyRing;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  presets: readonly Preset[];
}

/** The `by=` prefix naming a user rather than one of their keys. */
export const USER_BINDING = 'u';

/**
 * What a URL minted by this caller is bound to. The owner's URLs live until they expire or the
 * owner revokes the image's URLs (its epoch); anyone else's also name the minting key, so they
 * stop working the moment that key, its user or the grant behind it goes.
 */
export function signingBinding(principal: Principal | undefined, record: Pick<ImageRecord, 'ownerId' | 'signingEpoch'>): SignatureBinding {
  // A person signed in with a session lends the user's access (sessions come and go with each
  // sign-in; the user being enabled and granted is what the URL stands for): `u<user id>`.
  const by = principal?.kind === 'user' && principal.userId !== record.ownerId ? (principal.sessionId ? `${USER_BINDING}${principal.userId}` : principal.keyId) : undefined;
  return { ...(by !== undefined ? { by } : {}), ...(record.signingEpoch ? { ep: record.signingEpoch } : {}) };
}

/** Signed URLs for an image: its default URL and each preset, or the paths asked for. */
export function signedUrlsFor(
  record: Pick<ImageRecord, 'id' | 'ownerId' | 'signingEpoch'>,
  baseUrl: string,
  signer: UrlSigner,
  ttlSeconds: number,
  now = Date.now(),
  wanted?: { name: string; preset?: string | undefined; params: [string, string][] }[],
  principal?: Principal,
): { urls: Record<string, string>; expiresAt: string } {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  const binding = signingBinding(principal, record);
  const targets = wanted ?? [{ name: 'default', params: [] }, ...signer.presets.map((p) => ({ name: p.name, preset: p.name, params: [] as [string, string][] }))];
  const urls: Record<string, string> = {};
  for (const t of targets) {
    const path = t.preset ? `/i/${record.id}/${t.preset}` : `/i/${record.id}`;
    urls[t.name] = `${baseUrl}${signPath(signer.ring, path, t.params, exp, binding)}`;
  }
  return { urls, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The record as a caller who may see it gets it: private images carry ready signed URLs, bound to the caller. */
export function withSignedUrls(view: PublicImage, record: ImageRecord, baseUrl: string, signer: UrlSigner, principal: Principal | undefined, now = Date.now()): PublicImage {
  if (record.visibility !== 'private') return view;
  const { urls, expiresAt } = signedUrlsFor(record, baseUrl, signer, signer.defaultTtlSeconds, now, undefined, principal);
  return { ...view, signedUrls: urls, signedUrlsExpireAt: expiresAt };
}
