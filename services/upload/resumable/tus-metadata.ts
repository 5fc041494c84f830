import { badRequest } from '../../core/errors.js';
import { isImageId } from '../../core/ids.js';
import type { Visibility } from '../../accounts/user.js';
import type { ImageMetadata } from '../../images/metadata.js';
import { uploadMetadata } from '../upload-metadata.js';

/** What a tus upload's `Upload-Metadata` asks for, validated like the fields of POST /v1/images. */
export interface TusRequest {
  meta: ImageMetadata;
  visibility: Visibility | undefined;
  albumId: string | undefined;
}

const KNOWN = new Set(['filename', 'title', 'description', 'tags', 'visibility', 'album', 'filetype', 'name', 'type', 'lat', 'lon', 'place', 'takenAt']);

/**
 * tus clients send `filename` (or Uppy's `name`) and `filetype`/`type`; the rest are ours.
 * Unknown keys are refused rather than dropped, so a typo is seen at once.
 */
export function tusRequest(raw: Record<string, string | null> | undefined): TusRequest {
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (!KNOWN.has(k)) throw badRequest('invalid_metadata', `unknown Upload-Metadata key ${JSON.stringify(k)}; expected filename, title, description, tags, visibility or album`);
    if (v !== null) fields[k] = v;
  }
  const { visibility, album, filetype: _ft, type: _t, name, ...rest } = fields;
  if (visibility !== undefined && visibility !== 'public' && visibility !== 'private') throw badRequest('invalid_parameter', `expected "public" or "private" for visibility but received ${JSON.stringify(visibility)}`);
  if (album !== undefined && !isImageId(album)) throw badRequest('invalid_parameter', 'expected a 26-character album id for album');
  const meta = uploadMetadata(rest, rest.filename ?? name);
  return { meta, visibility, albumId: album };
}
