import { badRequest } from '../core/errors.js';
import { type ImageMetadata, UPLOAD_METADATA_FIELDS, uploadMetadataSchema } from '../images/metadata.js';

/** Picks the metadata fields from a query or form (repeated query values are refused). */
export function pickMetadataFields(source: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of UPLOAD_METADATA_FIELDS) {
    if (!Object.hasOwn(source, name)) continue;
    const value = source[name];
    if (typeof value !== 'string') throw badRequest('invalid_parameter', `expected one value for ${name}`);
    out[name] = value;
  }
  return out;
}

/** An upload's metadata from its query and form fields (form wins), and the file's own name. */
export function uploadMetadata(fields: Record<string, string>, filename: string | undefined): ImageMetadata {
  const parsed = uploadMetadataSchema.safeParse({ ...(filename && fields.filename === undefined ? { filename } : {}), ...fields });
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'metadata'}: ${i.message}`);
    throw badRequest('invalid_metadata', problems.join('; '), { details: { problems } });
  }
  const v = parsed.data;
  return {
    tags: v.tags ?? [],
    ...(v.title ? { title: v.title } : {}),
    ...(v.description ? { description: v.description } : {}),
    ...(v.lat !== undefined && v.lon !== undefined ? { location: { lat: v.lat, lon: v.lon, ...(v.place ? { place: v.place } : {}) } } : {}),
    ...(v.takenAt ? { takenAt: v.takenAt } : {}),
    ...(v.filename ? { originalFilename: v.filename } : {}),
  };
}
