import type { Visibility } from '../accounts/user.js';
import { formatInfo, type SupportedFormat } from '../core/image-formats.js';
import type { ImageMetadata } from './metadata.js';
import type { ImageQualities } from '../core/quality.js';

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
  /** Per-image encoder qualities from the resizer's quality search (core/quality.ts). */
  qualities?: ImageQualities;
  /** Bumped by the owner to invalidate every signed URL of the image minted before; absent is 0. */
  signingEpoch?: number;
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
