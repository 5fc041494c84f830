import { z } from 'zod';
import { CONTROL_RE } from '../accounts/account-schemas.js';
import { hiddenInIdentifier, hiddenInText, stripHidden } from '../core/invisible-chars.js';

/** What a sharer says about a photo. Stored in the manifest (the truth) and the Redis record. */
export interface ImageMetadata {
  title?: string;
  description?: string;
  /** As written (trimmed, NFC); matched case-folded (see foldTag). */
  tags: string[];
  location?: { lat: number; lon: number; place?: string };
  takenAt?: string;
  /** Kept for Content-Disposition on the original download. */
  originalFilename?: string;
}

/** Control characters are refused everywhere but in a description's line breaks and tabs. */
const TEXT_CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/u;

export const text = (name: string, max: number, allowBreaks = false) =>
  z
    .string({ error: `expected a string for ${name}` })
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .max(max, `expected ${name} of at most ${max} characters`)
        .refine((s) => !(allowBreaks ? TEXT_CONTROL_RE : CONTROL_RE).test(s), `expected ${name} without control characters`)
        .refine((s) => hiddenInText(s) === undefined, { error: (i) => `expected ${name} without invisible or direction-override characters but found ${hiddenInText(String(i.input))}` }),
    );

/** A file name as the client sent it, with invisible and direction characters removed (never a reason to refuse an upload). */
export const filenameSchema = z
  .string({ error: 'expected a string for filename' })
  .transform((s) => stripHidden(s.normalize('NFC')).trim())
  .pipe(z.string().max(255, 'expected filename of at most 255 characters').refine((s) => !CONTROL_RE.test(s), 'expected filename without control characters'));

export const tagSchema = z
  .string({ error: 'expected strings for tags' })
  .transform((s) => s.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'expected tags of 1 to 64 characters')
      .max(64, 'expected tags of 1 to 64 characters')
      .refine((s) => !CONTROL_RE.test(s) && !s.includes(','), 'expected tags without control characters or commas')
      .refine((s) => hiddenInIdentifier(s) === undefined, { error: (i) => `expected tags without invisible or direction characters but found ${hiddenInIdentifier(String(i.input))}` }),
  );

export const tagsSchema = z
  .array(tagSchema)
  .max(50, 'expected at most 50 tags')
  // One tag per folded spelling: "Beach" and "beach" are the same tag, kept as first written.
  .transform((tags) => tags.filter((t, i) => tags.findIndex((u) => foldTag(u) === foldTag(t)) === i));

export const locationSchema = z.strictObject({
  lat: z.number({ error: 'expected a number for lat' }).min(-90, 'expected lat from -90 to 90').max(90, 'expected lat from -90 to 90'),
  lon: z.number({ error: 'expected a number for lon' }).min(-180, 'expected lon from -180 to 180').max(180, 'expected lon from -180 to 180'),
  place: text('place', 200).optional(),
});

export const takenAtSchema = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time such as 2026-07-14T18:30:00Z for takenAt' });

/** The editable metadata fields; `null` clears one. */
export const metadataPatch = {
  title: text('title', 200).nullable().optional(),
  description: text('description', 5000, true).nullable().optional(),
  tags: tagsSchema.optional(),
  location: locationSchema.nullable().optional(),
  takenAt: takenAtSchema.nullable().optional(),
};

/** Case- and normalisation-folded, for matching and indexing; never shown. */
export function foldTag(tag: string): string {
  return tag.normalize('NFKC').toLowerCase().normalize('NFC');
}

export function applyMetadata(current: ImageMetadata, change: { [K in keyof typeof metadataPatch]?: unknown }): ImageMetadata {
  const next: ImageMetadata = { ...current, tags: [...current.tags] };
  const set = <K extends 'title' | 'description' | 'takenAt'>(k: K) => {
    if (change[k] === undefined) return;
    if (change[k] === null) delete next[k];
    else next[k] = change[k] as string;
  };
  set('title');
  set('description');
  set('takenAt');
  if (change.tags !== undefined) next.tags = change.tags as string[];
  if (change.location === null) delete next.location;
  else if (change.location !== undefined) next.location = change.location as ImageMetadata['location'] & object;
  return next;
}

/**
 * Metadata from an upload's query or form fields: `title`, `description`, `tags` (comma
 * separated), `lat`+`lon` (+ `place`), `takenAt`. Validated like a PATCH; 400 lists problems.
 */
export const uploadMetadataSchema = z
  .strictObject({
    title: metadataPatch.title,
    description: metadataPatch.description,
    tags: z
      .string()
      .transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean))
      .pipe(tagsSchema)
      .optional(),
    lat: z.coerce.number({ error: 'expected a number for lat' }).optional(),
    lon: z.coerce.number({ error: 'expected a number for lon' }).optional(),
    place: text('place', 200).optional(),
    takenAt: takenAtSchema.optional(),
    filename: filenameSchema.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.lat === undefined) !== (v.lon === undefined)) ctx.addIssue({ code: 'custom', message: 'expected both lat and lon, or neither' });
    if (v.lat !== undefined && (v.lat < -90 || v.lat > 90)) ctx.addIssue({ code: 'custom', path: ['lat'], message: 'expected lat from -90 to 90' });
    if (v.lon !== undefined && (v.lon < -180 || v.lon > 180)) ctx.addIssue({ code: 'custom', path: ['lon'], message: 'expected lon from -180 to 180' });
  });

export const UPLOAD_METADATA_FIELDS = ['title', 'description', 'tags', 'lat', 'lon', 'place', 'takenAt', 'filename'] as const;
