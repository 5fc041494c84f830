import { isSupportedFormat } from '../core/image-formats.js';
import type { ImageMetadata } from './metadata.js';
import type { ImageQualities } from '../core/quality.js';
import { variantPrefix } from '../storage/keys.js';
import { shaFromB64, shaToB64 } from '../core/ids.js';
import type { ImageRecord, ImageStatus, VariantInfo } from './image-record.js';

/**
 * An image record as a Redis hash, the one place that encodes it. Every byte here is paid per
 * hot image (docs/design.md §10, bench:redis-footprint), so the hash is compact:
 * - one- or two-letter field names (a listpack stores each name with every record);
 * - nothing derivable: the id is the key's, `createdAt` is the id's time when they agree (they
 *   do for every upload), `updatedAt` defaults to `createdAt`, `status` to `ready`, and the
 *   other fields at their defaults are left out;
 * - times as base-36 milliseconds, the sha256 in base64url (43 characters, not 64), variants
 *   as `name,key,width,height,bytes;…` with the key relative to the bytes' folder (and the
 *   format only when the key's extension does not name it).
 * Hashes written before this layout (long field names, `id` and `sha256` fields) are still read
 * (`recordFromHash` tells them apart by their `sha256` field); every write replaces the hash whole.
 */
export const F = {
  owner: 'o',
  sha: 's',
  format: 'f',
  width: 'w',
  height: 'h',
  bytes: 'b',
  status: 'st',
  created: 'c',
  updated: 'u',
  private: 'pv',
  orientation: 'or',
  alpha: 'a',
  frames: 'n',
  variants: 'v',
  meta: 'm',
  revision: 'r',
  error: 'e',
  placeholder: 'p',
  deleted: 'd',
  download: 'dl',
  commentsOff: 'co',
  qualities: 'q',
  epoch: 'ep',
} as const;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** The millisecond time of a ULID (its first 10 characters), or NaN. */
export function idTime(id: string): number {
  let t = 0;
  for (let i = 0; i < 10; i++) {
    const d = CROCKFORD.indexOf(id[i] ?? '');
    if (d < 0) return NaN;
    t = t * 32 + d;
  }
  return t;
}

/** The id's time as an ISO string, or '' when the id is not a ULID (then `createdAt` is always stored). */
function idIso(id: string): string {
  const t = idTime(id);
  return Number.isFinite(t) && t <= 8.64e15 ? new Date(t).toISOString() : '';
}

/** An ISO time as base-36 milliseconds when it round-trips, else as it is (it has '-' and ':'). */
function encodeTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isFinite(ms) && ms >= 0 && new Date(ms).toISOString() === iso ? ms.toString(36) : iso;
}

function decodeTime(text: string): string {
  return /^[0-9a-z]+$/.test(text) ? new Date(parseInt(text, 36)).toISOString() : text;
}

/** `66,44,45` (JPEG, WebP, AVIF), then `,webp+avif` when formats are skipped: a dozen bytes in the hash. */
export function encodeQualities(q: ImageQualities): string {
  return `${q.jpeg},${q.webp},${q.avif}${q.skip?.length ? `,${q.skip.join('+')}` : ''}`;
}

export function decodeQualities(text: string): ImageQualities | undefined {
  const [jpeg, webp, avif, skip] = text.split(',');
  const n = [jpeg, webp, avif].map(Number);
  if (n.some((v) => !Number.isInteger(v) || v < 1 || v > 100)) return undefined;
  const skipped = (skip ?? '').split('+').filter((f): f is 'webp' | 'avif' => f === 'webp' || f === 'avif');
  return { jpeg: n[0]!, webp: n[1]!, avif: n[2]!, ...(skipped.length ? { skip: skipped } : {}) };
}

/** The format a variant's file extension names (`w50-q73.jpg` → jpeg): the usual case leaves the format out. */
function formatOfKey(rel: string): string {
  const ext = rel.slice(rel.lastIndexOf('.') + 1);
  return ext === 'jpg' ? 'jpeg' : ext;
}

/**
 * Variants as `name,relative key,width,height,bytes` joined by ';', with `,format` after the key
 * when its extension does not name it; JSON when a part would not survive that.
 */
export function encodeVariants(sha256: string, variants: VariantInfo[]): string {
  const folder = variantPrefix(sha256);
  const plain = (s: string) => !/[,;[]/.test(s) && s !== '';
  if (variants.every((v) => v.key.startsWith(folder) && plain(v.name) && plain(v.key.slice(folder.length)) && plain(v.format))) {
    return variants
      .map((v) => {
        const rel = v.key.slice(folder.length);
        return `${v.name},${rel}${formatOfKey(rel) === v.format ? '' : `,${v.format}`},${v.width},${v.height},${v.bytes}`;
      })
      .join(';');
  }
  return JSON.stringify(variants.map((v) => (v.key.startsWith(folder) ? [v.name, v.key.slice(folder.length), v.format, v.width, v.height, v.bytes] : v)));
}

/** A variant as `[name, key relative to the original's variant folder, format, width, height, bytes]` (the JSON forms). */
type CompactVariant = [string, string, string, number, number, number];

/** Reads the `;` form, the compact JSON arrays and the objects older hashes hold. */
export function decodeVariants(sha256: string, text: string): VariantInfo[] {
  const folder = variantPrefix(sha256);
  if (!text.startsWith('[')) {
    return text.split(';').map((part) => {
      const parts = part.split(',');
      const [name, rel] = parts as [string, string];
      const format = parts.length === 6 ? parts[2]! : formatOfKey(rel);
      const [width, height, bytes] = parts.slice(-3).map(Number) as [number, number, number];
      return { name, key: `${folder}${rel}`, format, width, height, bytes };
    });
  }
  return (JSON.parse(text) as (CompactVariant | VariantInfo)[]).map((v) =>
    Array.isArray(v) ? { name: v[0], key: `${folder}${v[1]}`, format: v[2], width: v[3], height: v[4], bytes: v[5] } : v,
  );
}

export function recordToHash(r: ImageRecord): Record<string, string> {
  const hash: Record<string, string> = {
    [F.owner]: r.ownerId,
    [F.sha]: shaToB64(r.sha256),
    [F.format]: r.format,
    [F.width]: String(r.width),
    [F.height]: String(r.height),
    [F.bytes]: String(r.bytes),
  };
  if (r.status !== 'ready') hash[F.status] = r.status;
  // The id's own time for every upload: only an odd manifest (re-adopted, hand-edited) pays for it.
  if (r.createdAt === '' || idIso(r.id) !== r.createdAt) hash[F.created] = encodeTime(r.createdAt);
  if (r.updatedAt !== r.createdAt) hash[F.updated] = encodeTime(r.updatedAt);
  if (r.visibility === 'private') hash[F.private] = '1';
  if (r.orientation !== 1) hash[F.orientation] = String(r.orientation);
  if (r.hasAlpha) hash[F.alpha] = '1';
  if (r.frames !== 1) hash[F.frames] = String(r.frames);
  if (r.variants.length > 0) hash[F.variants] = encodeVariants(r.sha256, r.variants);
  if (r.meta.tags.length > 0 || Object.keys(r.meta).length > 1) hash[F.meta] = JSON.stringify(r.meta);
  if (r.revision !== 0) hash[F.revision] = String(r.revision);
  if (r.error !== undefined) hash[F.error] = r.error;
  if (r.placeholder !== undefined) hash[F.placeholder] = r.placeholder;
  if (r.deletedAt !== undefined) hash[F.deleted] = encodeTime(r.deletedAt);
  if (r.allowOriginalDownload !== undefined) hash[F.download] = r.allowOriginalDownload ? '1' : '0';
  if (r.commentsEnabled === false) hash[F.commentsOff] = '1';
  if (r.qualities !== undefined) hash[F.qualities] = encodeQualities(r.qualities);
  if (r.signingEpoch) hash[F.epoch] = String(r.signingEpoch);
  return hash;
}

/** The record of image `id` from its hash, in either layout; undefined for an empty or unreadable hash. */
export function recordFromHash(id: string, h: Record<string, string>): ImageRecord | undefined {
  if (h.sha256 !== undefined) return legacyRecordFromHash(h);
  const sha = h[F.sha];
  const format = h[F.format];
  if (!sha || !format || !isSupportedFormat(format)) return undefined;
  const sha256 = shaFromB64(sha);
  const { [F.created]: created, [F.updated]: updated, [F.variants]: variants, [F.meta]: meta, [F.deleted]: deleted, [F.qualities]: q } = h;
  const createdAt = created !== undefined ? decodeTime(created) : idIso(id);
  const qualities = q !== undefined ? decodeQualities(q) : undefined;
  return {
    id,
    ownerId: h[F.owner] ?? '',
    visibility: h[F.private] === '1' ? 'private' : 'public',
    sha256,
    format,
    width: Number(h[F.width]),
    height: Number(h[F.height]),
    bytes: Number(h[F.bytes]),
    orientation: Number(h[F.orientation] ?? 1),
    hasAlpha: h[F.alpha] === '1',
    frames: Number(h[F.frames] ?? 1),
    status: (h[F.status] as ImageStatus | undefined) ?? 'ready',
    createdAt,
    updatedAt: updated !== undefined ? decodeTime(updated) : createdAt,
    variants: variants ? decodeVariants(sha256, variants) : [],
    meta: meta ? (JSON.parse(meta) as ImageMetadata) : { tags: [] },
    revision: Number(h[F.revision] ?? 0),
    ...(h[F.error] !== undefined ? { error: h[F.error] } : {}),
    ...(h[F.placeholder] !== undefined ? { placeholder: h[F.placeholder] } : {}),
    ...(deleted !== undefined ? { deletedAt: decodeTime(deleted) } : {}),
    ...(h[F.download] !== undefined ? { allowOriginalDownload: h[F.download] === '1' } : {}),
    ...(h[F.commentsOff] === '1' ? { commentsEnabled: false as const } : {}),
    ...(qualities ? { qualities } : {}),
    ...(h[F.epoch] ? { signingEpoch: Number(h[F.epoch]) } : {}),
  };
}

/** The layout before the compact one (field names in full, `id` and `sha256` in the hash). */
function legacyRecordFromHash(h: Record<string, string>): ImageRecord | undefined {
  if (!h.id || !h.sha256 || !h.format || !isSupportedFormat(h.format)) return undefined;
  return {
    id: h.id,
    ownerId: h.ownerId ?? '',
    visibility: h.visibility === 'private' ? 'private' : 'public',
    sha256: h.sha256,
    format: h.format,
    width: Number(h.width),
    height: Number(h.height),
    bytes: Number(h.bytes),
    orientation: Number(h.orientation ?? 1),
    hasAlpha: h.hasAlpha === '1',
    frames: Number(h.frames ?? 1),
    status: (h.status as ImageStatus | undefined) ?? 'processing',
    createdAt: h.createdAt ?? '',
    updatedAt: h.updatedAt ?? h.createdAt ?? '',
    variants: h.variants ? decodeVariants(h.sha256, h.variants) : [],
    meta: h.meta ? (JSON.parse(h.meta) as ImageMetadata) : { tags: [] },
    revision: Number(h.revision ?? 0),
    ...(h.error !== undefined ? { error: h.error } : {}),
    ...(h.placeholder !== undefined ? { placeholder: h.placeholder } : {}),
    ...(h.deletedAt !== undefined ? { deletedAt: h.deletedAt } : {}),
    ...(h.allowOriginalDownload !== undefined ? { allowOriginalDownload: h.allowOriginalDownload === '1' } : {}),
    ...(h.commentsEnabled === '0' ? { commentsEnabled: false as const } : {}),
    ...(h.qualities !== undefined && decodeQualities(h.qualities) ? { qualities: decodeQualities(h.qualities)! } : {}),
    ...(h.signingEpoch ? { signingEpoch: Number(h.signingEpoch) } : {}),
  };
}

/** The hash fields holding an owner id and a revision, in this layout and the one before (for partial reads). */
export const OWNER_FIELDS = [F.owner, 'ownerId'] as const;
