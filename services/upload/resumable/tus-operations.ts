import { z } from 'zod';
import { errorResponse } from '../../http/openapi/common-schemas.js';
import { defineOperations } from '../../http/openapi/operation.js';
import { imageSchema } from '../../images/image-schemas.js';

const uploadParams = z.object({ uploadId: z.string().describe('the upload id (`<user id>-<32 hex>`), the last segment of `Location`') });
const tusHeaders = { 'Tus-Resumable': '1.0.0' };
const imageHeaders = { 'Imgsvc-Image-Id': 'the image made (when the upload is complete)', 'Imgsvc-Image-Url': '/v1/images/<id>' };
const notYours = errorResponse('No such upload, or another user\'s (the same answer)');
const tusText = (description: string) => ({ description, content: { 'text/plain': { type: 'string' } } });

/**
 * The tus 1.0 protocol (https://tus.io/protocols/resumable-upload): these entries describe the
 * routes for the OpenAPI document; the protocol's headers are what matter to a client.
 */
export const tusOperations = defineOperations({
  create: {
    method: 'post', path: '/v1/uploads', operationId: 'createUpload', tags: ['uploads'], auth: 'key', scope: 'images:write',
    summary: 'Start a resumable upload (tus creation, creation-with-upload)',
    description: 'Headers: `Tus-Resumable: 1.0.0`, `Upload-Length`, `Upload-Metadata` (base64 values; keys filename, title, description, tags, visibility, album). The answer\'s `Location` is the upload\'s URL. Limits: unfinished uploads and their bytes per user (429), bytes per upload (413).',
    bodyContent: { 'application/offset+octet-stream': {} },
    responses: {
      201: { description: 'Created', headers: { Location: '/v1/uploads/<uploadId>', 'Upload-Expires': 'when an unfinished upload is removed', ...tusHeaders } },
      400: tusText('Bad or unknown metadata, or no Upload-Length'),
      403: errorResponse('A cookie-authenticated request without the CSRF token, or the key lacks images:write'),
      413: tusText('Larger than IMGSVC_MAX_UPLOAD_BYTES'),
      429: tusText('Too many unfinished uploads, or too many bytes in them'),
    },
  },
  offset: {
    method: 'head', path: '/v1/uploads/:uploadId', operationId: 'uploadOffset', tags: ['uploads'], auth: 'key', scope: 'images:write',
    summary: 'How much of an upload the server holds (tus HEAD)', params: uploadParams,
    responses: { 200: { description: '`Upload-Offset`, `Upload-Length`; with the image headers once complete', headers: { 'Upload-Offset': 'bytes held', 'Upload-Length': 'bytes announced', ...imageHeaders } }, 404: notYours, 410: tusText('Expired') },
  },
  append: {
    method: 'patch', path: '/v1/uploads/:uploadId', operationId: 'appendUpload', tags: ['uploads'], auth: 'key', scope: 'images:write',
    summary: 'Send the next bytes (tus PATCH, `Upload-Offset` must match)', params: uploadParams,
    bodyContent: { 'application/offset+octet-stream': {} },
    responses: {
      204: { description: 'Stored; the last part answers with the image headers', headers: { 'Upload-Offset': 'bytes held now', ...imageHeaders } },
      404: notYours,
      409: tusText('Upload-Offset is not the server\'s offset'),
      410: tusText('Expired'),
      415: tusText('The finished upload is not an image this service accepts (its parts are removed)'),
    },
  },
  terminate: {
    method: 'delete', path: '/v1/uploads/:uploadId', operationId: 'deleteUpload', tags: ['uploads'], auth: 'key', scope: 'images:write',
    summary: 'Abandon an unfinished upload (tus termination)', params: uploadParams,
    responses: { 204: { description: 'Removed with its parts' }, 404: notYours },
  },
  image: {
    method: 'get', path: '/v1/uploads/:uploadId/image', operationId: 'getUploadImage', tags: ['uploads'], auth: 'key', scope: 'images:write',
    summary: 'The image a finished resumable upload made', params: uploadParams,
    responses: { 200: { description: 'The image, as POST /v1/images answers it', json: imageSchema }, 404: errorResponse('No such upload, another user\'s, or not finished') },
  },
});
