import type { Preset } from '../core/eager-presets.js';
import type { ImageRecord, PublicImage } from '../images/image-record.js';
import type { KeyRing } from './key-ring.js';
import { signPath } from './url-signing.js';

export interface UrlSigner {
  ring: KeyRing;
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  presets: readonly Preset[];
}

/** Signed URLs for an image: its default URL and each preset, or the paths asked for. */
export function signedUrlsFor(
  record: Pick<ImageRecord, 'id'>,
  baseUrl: string,
  signer: UrlSigner,
  ttlSeconds: number,
  now = Date.now(),
  wanted?: { name: string; preset?: string | undefined; params: [string, string][] }[],
): { urls: Record<string, string>; expiresAt: string } {
  const exp = Math.floor(now / 1000) + ttlSeconds;
  const targets = wanted ?? [{ name: 'default', params: [] }, ...signer.presets.map((p) => ({ name: p.name, preset: p.name, params: [] as [string, string][] }))];
  const urls: Record<string, string> = {};
  for (const t of targets) {
    const path = t.preset ? `/i/${record.id}/${t.preset}` : `/i/${record.id}`;
    urls[t.name] = `${baseUrl}${signPath(signer.ring, path, t.params, exp)}`;
  }
  return { urls, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The record as a caller who may see it gets it: private images carry ready signed URLs. */
export function withSignedUrls(view: PublicImage, record: ImageRecord, baseUrl: string, signer: UrlSigner, now = Date.now()): PublicImage {
  if (record.visibility !== 'private') return view;
  const { urls, expiresAt } = signedUrlsFor(record, baseUrl, signer, signer.defaultTtlSeconds, now);
  return { ...view, signedUrls: urls, signedUrlsExpireAt: expiresAt };
}
