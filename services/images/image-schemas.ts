import { z } from 'zod';
import { SUPPORTED_FORMATS } from '../core/image-formats.js';
import { cursorsShape, sha256Schema, timestampSchema, ulidSchema } from '../http/openapi/common-schemas.js';

const locationSchema = z.object({ lat: z.number(), lon: z.number(), place: z.string().optional() });

/** An image record as clients see it (publicView, plus signed URLs for a private one). */
export const imageShape = {
  id: ulidSchema,
  ownerId: z.string().describe('the uploading user (empty for images stored before accounts)'),
  visibility: z.enum(['public', 'private']),
  sha256: sha256Schema,
  width: z.number().int().describe('as displayed (EXIF orientation applied)'),
  height: z.number().int(),
  format: z.enum(Object.keys(SUPPORTED_FORMATS) as [string, ...string[]]),
  mimeType: z.string(),
  bytes: z.number().int(),
  status: z.enum(['processing', 'ready', 'failed']),
  url: z.string().describe('/i/<id>: the negotiated image'),
  originalUrl: z.string(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  animated: z.boolean(),
  hasAlpha: z.boolean(),
  variants: z.array(z.object({ name: z.string(), format: z.string(), width: z.number().int(), height: z.number().int(), bytes: z.number().int() })),
  error: z.string().optional().describe('why processing failed'),
  placeholder: z.string().optional().describe('a tiny blurred preview (data URL)'),
  title: z.string().nullable(),
  description: z.string().nullable(),
  tags: z.array(z.string()),
  location: locationSchema.nullable(),
  takenAt: z.string().nullable(),
  originalFilename: z.string().nullable(),
  allowOriginalDownload: z.boolean().nullable().describe('null follows the owner\'s default'),
  commentsEnabled: z.boolean().describe('whether new comments are accepted'),
  etag: z.string().describe('the record\'s version, for If-Match on PATCH'),
  deletedAt: timestampSchema.optional().describe('in the trash since then'),
  signedUrls: z.record(z.string(), z.string()).optional().describe('private images: ready-made signed URLs by preset'),
  signedUrlsExpireAt: timestampSchema.optional(),
  favoriteCount: z.number().int().optional(),
  favorited: z.boolean().optional().describe('whether the caller favorited it'),
  commentCount: z.number().int().optional(),
};

export const imageSchema = z.object(imageShape).meta({ id: 'Image' });

export const imagePageSchema = z.object({ items: z.array(imageSchema), ...cursorsShape }).meta({ id: 'ImagePage' });
