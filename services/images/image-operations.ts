import { z } from 'zod';
import { visibilitySchema } from '../accounts/account-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { errorResponse, timestampSchema } from '../http/openapi/common-schemas.js';
import { metadataPatch } from './metadata.js';
import { imageSchema } from './image-schemas.js';

export const imageIdParams = z.object({ id: z.string().describe('the image id (a ULID)') });

export const patchImageSchema = z.strictObject({
  visibility: visibilitySchema.optional(),
  allowOriginalDownload: z.boolean({ error: 'expected true or false for allowOriginalDownload' }).nullable().optional(),
  commentsEnabled: z.boolean({ error: 'expected true or false for commentsEnabled' }).optional().describe('whether others may post new comments'),
  ...metadataPatch,
});

export const VARIANT_PARAMS = ['w', 'h', 'dpr', 'fit', 'fmt', 'q', 'anim'] as const;
const variantParam = z.union([z.string().max(16), z.number()]).optional();
export const signedUrlsSchema = z.strictObject({
  ttlSeconds: z.number().int().min(10).optional().describe('lifetime of the URLs; at most IMGSVC_SIGNED_URL_MAX_TTL'),
  presets: z.array(z.string().max(32)).max(32).optional(),
  variants: z
    .array(z.strictObject(Object.fromEntries(VARIANT_PARAMS.map((k) => [k, variantParam])) as Record<(typeof VARIANT_PARAMS)[number], typeof variantParam>))
    .max(32)
    .optional(),
});

export const srcsetQuery = z.object({
  sizes: z.string().optional().describe('the sizes attribute (default 100vw)'),
  widths: z.string().optional().describe('comma-separated widths in CSS pixels'),
  formats: z.string().optional().describe('comma-separated output formats, best first'),
  alt: z.string().optional(),
});

const srcsetSchema = z.object({
  sizes: z.string(),
  widths: z.array(z.number().int()),
  sources: z.array(z.object({ type: z.string(), srcset: z.string() })),
  img: z.object({ src: z.string(), srcset: z.string(), width: z.number().int(), height: z.number().int() }),
  html: z.string(),
});

const notFound = errorResponse('No such image, or one the caller may not see (the same answer)');
const ETAG = { ETag: 'the record\'s version' };

export const imageOperations = defineOperations({
  getImage: {
    method: 'get', path: '/v1/images/:id', operationId: 'getImage', tags: ['images'], auth: 'optional', scope: 'images:read',
    summary: 'An image record',
    params: imageIdParams,
    responses: { 200: { description: 'The record, with the favorite count and whether the caller favorited it', json: imageSchema, headers: ETAG }, 403: errorResponse('The key lacks images:read'), 404: notFound },
  },
  patchImage: {
    method: 'patch', path: '/v1/images/:id', operationId: 'updateImage', tags: ['images'], auth: 'key', scope: 'images:write',
    summary: 'Edit visibility, download permission and metadata (null clears a field)',
    params: imageIdParams,
    headers: z.object({ 'if-match': z.string().optional().describe('the record\'s ETag: refuse the edit (412) when it changed meanwhile') }),
    body: patchImageSchema,
    responses: {
      200: { description: 'The updated record', json: imageSchema, headers: ETAG },
      400: errorResponse('A field is malformed (details.problems lists each)'),
      403: errorResponse('Not the owner (nor an admin), or the key lacks images:write'),
      404: notFound,
      412: errorResponse('If-Match named an older version'),
    },
  },
  srcset: {
    method: 'get', path: '/v1/images/:id/srcset', operationId: 'getSrcset', tags: ['images'], auth: 'optional', scope: 'images:read',
    summary: '<picture> markup with explicit URLs, for CDNs that do not vary on headers',
    params: imageIdParams,
    query: srcsetQuery,
    responses: { 200: { description: 'The markup and its parts', json: srcsetSchema }, 400: errorResponse('A malformed parameter'), 403: errorResponse('The key lacks images:read'), 404: notFound },
  },
  signedUrls: {
    method: 'post', path: '/v1/images/:id/signed-urls', operationId: 'createSignedUrls', tags: ['images'], auth: 'key', scope: 'images:read',
    summary: 'Fresh signed URLs for presets or explicit variant parameters',
    params: imageIdParams,
    body: signedUrlsSchema,
    responses: {
      200: { description: 'The URLs by name (presets by their name, variants as variant0…)', json: z.object({ id: z.string(), urls: z.record(z.string(), z.string()), expiresAt: timestampSchema }) },
      400: errorResponse('Malformed body, an unknown preset or a ttl over the maximum'),
      403: errorResponse('The key lacks images:read'),
      404: notFound,
    },
  },
  revokeSignedUrls: {
    method: 'post', path: '/v1/images/:id/signed-urls/revoke', operationId: 'revokeSignedUrls', tags: ['images'], auth: 'key', scope: 'images:write',
    summary: 'Invalidate every signed URL of the image minted so far (owner or admin)',
    params: imageIdParams,
    responses: {
      200: { description: 'The record; URLs minted from now on work, earlier ones answer 403 signature_revoked', json: imageSchema, headers: ETAG },
      403: errorResponse('Not the owner (nor an admin), or the key lacks images:write'),
      404: notFound,
    },
  },
});
