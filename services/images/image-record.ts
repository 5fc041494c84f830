import type { Visibility } from '../accounts/user.js';
import { formatInfo, isSupportedFormat, type SupportedFormat } from '../core/image-formats.js';
import type { ImageMetadata } from '../sharing/metadata.js';

export type ImageStatus = 'processing' | 'ready' | 'failed';

export interface VariantInfo {
  name: string;
  key: string;
  format: string;
  width: number;
  height: number;
  bytes: number;
}

/** What the service knows about one uploaded image. Width and height are as displayed (EXIF orientation applied). */
export interface ImageRecord {
  id: string;
  /** The uploading user. Empty only for images stored before accounts, until they are adopted. */
  ownerId: string;
  visibility: Visibility;
  sha256: string;
  format: SupportedFormat;
  width: number;
  height: number;
  bytes: number;
  orientation: number;
  hasAlpha: boolean;
  frames: number;
  status: ImageStatus;
  createdAt: string;
  updatedAt: string;
  variants: VariantInfo[];
  error?: string;
  placeholder?: string;
  /** What the sharer wrote about it. */
  meta: ImageMetadata;
  /** Counts every change; the record's ETag, so an edit can say which version it edits. */
  revision: number;
  /** In the trash since then: invisible to everyone, erased after IMGSVC_ERASE_AFTER. */
  deletedAt?: string;
  /** Whether others who may see it may download the original; unset follows the owner's default. */
  allowOriginalDownload?: boolean;
  /** Set (false) only while the owner has turned comments off; absent, as in older manifests, means on. */
  commentsEnabled?: false;
}

/** Fields a newer record may lack; an update removes them from the Redis hash. */
export const OPTIONAL_FIELDS = ['error', 'placeholder', 'deletedAt', 'allowOriginalDownload', 'commentsEnabled'] as const;

/** Redis hash fields are strings; this is the one place that encodes them. */
export function recordToHash(r: ImageRecord): Record<string, string> {
  const hash: Record<string, string> = {
    id: r.id,
    ownerId: r.ownerId,
    visibility: r.visibility,
    sha256: r.sha256,
    format: r.format,
    width: String(r.width),
    height: String(r.height),
    bytes: String(r.bytes),
    orientation: String(r.orientation),
    hasAlpha: r.hasAlpha ? '1' : '0',
    frames: String(r.frames),
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    variants: JSON.stringify(r.variants),
    meta: JSON.stringify(r.meta),
    revision: String(r.revision),
  };
  if (r.error !== undefined) hash.error = r.error;
  if (r.placeholder !== undefined) hash.placeholder = r.placeholder;
  if (r.deletedAt !== undefined) hash.deletedAt = r.deletedAt;
  if (r.allowOriginalDownload !== undefined) hash.allowOriginalDownload = r.allowOriginalDownload ? '1' : '0';
  if (r.commentsEnabled === false) hash.commentsEnabled = '0';
  return hash;
}

export function recordFromHash(h: Record<string, string>): ImageRecord | undefined {
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
    variants: h.variants ? (JSON.parse(h.variants) as VariantInfo[]) : [],
    meta: h.meta ? (JSON.parse(h.meta) as ImageMetadata) : { tags: [] },
    revision: Number(h.revision ?? 0),
    ...(h.error !== undefined ? { error: h.error } : {}),
    ...(h.placeholder !== undefined ? { placeholder: h.placeholder } : {}),
    ...(h.deletedAt !== undefined ? { deletedAt: h.deletedAt } : {}),
    ...(h.allowOriginalDownload !== undefined ? { allowOriginalDownload: h.allowOriginalDownload === '1' } : {}),
    ...(h.commentsEnabled === '0' ? { commentsEnabled: false as const } : {}),
  };
}

export interface PublicImage {
  id: string;
  ownerId: string;
  visibility: Visibility;
  sha256: string;
  width: number;
  height: number;
  format: SupportedFormat;
  mimeType: string;
  bytes: number;
  status: ImageStatus;
  url: string;
  originalUrl: string;
  createdAt: string;
  updatedAt: string;
  animated: boolean;
  hasAlpha: boolean;
  variants: Omit<VariantInfo, 'key'>[];
  error?: string;
  placeholder?: string;
  title: string | null;
  description: string | null;
  tags: string[];
  location: ImageMetadata['location'] | null;
  takenAt: string | null;
  originalFilename: string | null;
  allowOriginalDownload: boolean | null;
  commentsEnabled: boolean;
  /** The record's ETag, for If-Match on PATCH. */
  etag: string;
  deletedAt?: string;
  /** Private images only, for callers who may see them: ready-made signed URLs and when they expire. */
  signedUrls?: Record<string, string>;
  signedUrlsExpireAt?: string;
}

/** Manifests written before accounts lack these fields. */
export function normalizeRecord(r: ImageRecord): ImageRecord {
  return { ...r, ownerId: r.ownerId ?? '', visibility: r.visibility === 'private' ? 'private' : 'public', meta: r.meta ?? { tags: [] }, revision: r.revision ?? 0 };
}

/** The record's version as an HTTP entity tag. */
export function recordEtag(r: Pick<ImageRecord, 'id' | 'revision'>): string {
  return `"${r.id}.${r.revision}"`;
}

/** The JSON clients see: storage keys stay internal, URLs are absolute from the public base. */
export function publicView(r: ImageRecord, baseUrl: string): PublicImage {
  return {
    id: r.id,
    ownerId: r.ownerId,
    visibility: r.visibility,
    sha256: r.sha256,
    width: r.width,
    height: r.height,
    format: r.format,
    mimeType: formatInfo(r.format).mime,
    bytes: r.bytes,
    status: r.status,
    url: `${baseUrl}/i/${r.id}`,
    originalUrl: `${baseUrl}/v1/images/${r.id}/original`,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    animated: r.frames > 1,
    hasAlpha: r.hasAlpha,
    variants: r.variants.map(({ key: _key, ...rest }) => rest),
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.placeholder !== undefined ? { placeholder: r.placeholder } : {}),
    title: r.meta.title ?? null,
    description: r.meta.description ?? null,
    tags: r.meta.tags,
    location: r.meta.location ?? null,
    takenAt: r.meta.takenAt ?? null,
    originalFilename: r.meta.originalFilename ?? null,
    allowOriginalDownload: r.allowOriginalDownload ?? null,
    commentsEnabled: r.commentsEnabled !== false,
    etag: recordEtag(r),
    ...(r.deletedAt !== undefined ? { deletedAt: r.deletedAt } : {}),
  };
}
