import { z } from 'zod';
import { visibilitySchema } from '../accounts/account-schemas.js';
import { errorResponse, sha256Schema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { withErrorCode } from '../http/openapi/parse-request.js';
import { imageSchema } from '../images/image-schemas.js';
import { uploadMetadataSchema } from '../images/metadata.js';

/** The upload's choices, in the query (raw bodies) or as form fields (multipart; a field wins). */
export const uploadQuery = z.object({
  visibility: visibilitySchema.optional().describe('the owner\'s defaultVisibility unless said'),
  ...uploadMetadataSchema.shape,
});

/**
 * A valid example per form field: Swagger UI's "Try it out" fills each field of a multipart body
 * with its example, else with the word `string`, which `lat`, `lon` and `takenAt` refuse (the
 * upload then failed with 400 invalid_metadata). Every field stays optional; clear what you don't want.
 */
const FORM_EXAMPLES: Record<keyof typeof uploadQuery.shape, string> = {
  visibility: 'private',
  title: 'Sunset over the bay',
  description: 'From the pier, just before the fog came in',
  tags: 'sunset,bay',
  lat: '37.8087',
  lon: '-122.4098',
  place: 'San Francisco',
  takenAt: '2024-06-01T19:30:00Z',
  filename: 'sunset.jpg',
};
const formFields = Object.fromEntries(Object.entries(FORM_EXAMPLES).map(([name, example]) => [name, { type: 'string', example }]));
const LOCATION = { Location: '/v1/images/<id>' };

export const uploadOperations = defineOperations({
  upload: {
    method: 'post', path: '/v1/images', operationId: 'uploadImage', tags: ['images'], auth: 'key', scope: 'images:write',
    summary: 'Upload an image (raw body or multipart)',
    description:
      'Streams the image to storage while hashing it. The same bytes uploaded again by the same owner return the existing record (200). Variants are made in the background: the record is `processing` until they are ready. tags are comma separated; lat and lon go together.',
    query: uploadQuery,
    bodyContent: {
      'image/*': { type: 'string', contentMediaType: 'image/*' },
      'application/octet-stream': { type: 'string', contentMediaType: 'application/octet-stream' },
      'multipart/form-data': { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' }, ...formFields }, required: ['file'] },
    },
    responses: {
      201: { description: 'Stored; variants are being made', json: imageSchema, headers: LOCATION },
      200: { description: 'The caller already had these bytes: that image', json: imageSchema, headers: LOCATION },
      400: errorResponse('Empty or malformed body, or a malformed parameter'),
      403: errorResponse('The key lacks images:write'),
      408: errorResponse('The body stalled'),
      413: errorResponse('Larger than IMGSVC_MAX_UPLOAD_BYTES'),
      415: errorResponse('Not an image format the service accepts'),
      422: errorResponse('An image it refuses to decode (corrupt, too many pixels or frames)'),
    },
  },
  bySha256: {
    method: 'get', path: '/v1/images/sha256/:sha256', operationId: 'getImageBySha256', tags: ['images'], auth: 'key', scope: 'images:read',
    summary: 'The caller\'s own image with these bytes (skip an upload already done)',
    params: z.object({ sha256: withErrorCode(z.string().toLowerCase().pipe(sha256Schema).describe('hex SHA-256 of the file'), 'invalid_sha256') }),
    responses: {
      200: { description: 'The caller\'s image', json: imageSchema, headers: { ...LOCATION, 'X-Image-Id': 'its id' } },
      400: errorResponse('Not 64 hexadecimal characters'),
      403: errorResponse('The key lacks images:read'),
      404: errorResponse('The caller has no image with these bytes'),
    },
  },
});
