import { z } from 'zod';
import { errorResponse } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { imageIdParams } from '../images/image-operations.js';

export const downloadOperations = defineOperations({
  original: {
    method: 'get', path: '/v1/images/:id/original', operationId: 'downloadOriginal', tags: ['images'], auth: 'optional', scope: 'images:read',
    summary: 'The bytes exactly as uploaded (ranges supported)',
    description: 'Others than the owner get the original only when the owner allows it (allowOriginalDownloads, or the image\'s allowOriginalDownload).',
    params: imageIdParams,
    headers: z.object({ range: z.string().optional().describe('bytes=<from>-<to>'), 'if-none-match': z.string().optional() }),
    responses: {
      200: { description: 'The original', content: { 'image/*': {} }, headers: { 'Content-Disposition': 'attachment with the uploaded file name', Digest: 'sha-256 of the bytes', ETag: 'the SHA-256' } },
      206: { description: 'The requested range', content: { 'image/*': {} } },
      304: { description: 'If-None-Match matched' },
      403: errorResponse('The owner does not share originals, or the key lacks images:read'),
      404: errorResponse('No such image, or one the caller may not see (the same answer)'),
      416: errorResponse('A range outside the file'),
    },
  },
});
