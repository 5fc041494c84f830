import { z } from 'zod';
import { FORMAT_PARAM, MAX_DPR } from '../core/negotiate.js';
import { MAX_QUALITY, MIN_QUALITY } from '../core/quality.js';
import { FITS } from '../core/variant-spec.js';
import { MAX_OUTPUT_WIDTH } from '../core/width-ladder.js';
import { errorResponse } from '../http/openapi/common-schemas.js';
import { defineOperations, type ApiOperation } from '../http/openapi/operation.js';

/**
 * The hot path's inputs. Its own parser (core/negotiate.ts) validates them without a schema
 * library on the way: these schemas state the same bounds from the same constants.
 */
const int = (min: number, max: number, what: string) => z.string().regex(/^\d+$/).meta({ description: `${what}: an integer from ${min} to ${max}` });
export const imageQuery = z.object({
  w: int(1, MAX_OUTPUT_WIDTH, 'width in CSS pixels').optional(),
  h: int(1, MAX_OUTPUT_WIDTH, 'height in CSS pixels').optional(),
  dpr: z.string().regex(/^\d+(\.\d+)?$/).optional().describe(`device pixel ratio, 1 to ${MAX_DPR}`),
  fit: z.enum(FITS).optional().describe('with w and h: how to fit the box (default inside)'),
  fmt: z.enum(Object.keys(FORMAT_PARAM) as [string, ...string[]]).optional().describe('output format (default: negotiated from Accept)'),
  q: int(MIN_QUALITY, MAX_QUALITY, 'quality').optional(),
  anim: z.enum(['true', 'false']).optional().describe('false: the first frame of an animation'),
  exp: z.string().optional().describe('signed URLs: expiry (Unix seconds)'),
  kid: z.string().optional().describe('signed URLs: signing key id'),
  sig: z.string().optional().describe('signed URLs: signature'),
});

export const imageHeaders = z.object({
  accept: z.string().optional().describe('formats the client takes (image/avif, image/webp…)'),
  dpr: z.string().optional().describe('Client Hint: device pixel ratio (also Sec-CH-DPR)'),
  width: z.string().optional().describe('Client Hint: wanted width in device pixels (also Sec-CH-Width)'),
  'viewport-width': z.string().optional().describe('Client Hint (also Sec-CH-Viewport-Width)'),
  'save-data': z.enum(['on']).optional().describe('lowers quality unless the URL fixes format and size'),
  ect: z.string().optional().describe('effective connection type: 2g and slow-2g lower quality'),
  'if-none-match': z.string().optional(),
  'user-agent': z.string().optional().describe('device class when no Client Hints are sent'),
});

const IMAGE_HEADERS = {
  ETag: 'strong, per variant',
  'Cache-Control': 'public, immutable for public images; private, or a max-age within the signature for private ones',
  Vary: 'the request headers the choice depended on',
  'Accept-CH': 'the Client Hints worth sending',
  'X-Imgsvc-Cache': 'public images: memory, storage or transform',
};

const serve = (path: string, operationId: string, summary: string, params: z.ZodObject): ApiOperation => ({
  method: 'get', path, operationId, summary, tags: ['serving'], auth: 'image', params, query: imageQuery, headers: imageHeaders,
  description: `${summary}. The format follows Accept (AVIF, WebP, then the source's family), the width Client Hints (DPR, Width, Viewport-Width) or else the User-Agent's device class, and quality drops with Save-Data: on or a 2G ECT; Vary names the headers that decided. HEAD answers the same without a body. Public images need nothing; a private one needs the owner's (or a viewer's) key or a signed URL.`,
  responses: {
    200: { description: 'The image', content: { 'image/*': {} }, headers: IMAGE_HEADERS },
    304: { description: 'If-None-Match matched', headers: IMAGE_HEADERS },
    400: errorResponse('A malformed id or parameter, an unknown preset, or a malformed signature'),
    403: errorResponse('A signature that does not match, is expired or names a retired key'),
    404: errorResponse('No such image, or one the caller may not see (the same answer)'),
    405: errorResponse('Not GET or HEAD'),
    406: errorResponse('No acceptable format'),
  },
});

const id = z.string().describe('the image id');
export const publicImageOperations = defineOperations({
  image: serve('/i/:id', 'getImageBytes', 'The image, its format, size and quality negotiated for the device', z.object({ id })),
  preset: serve('/i/:id/:preset', 'getImagePreset', 'The image at a named preset width (thumb, small…)', z.object({ id, preset: z.string().describe('a preset from IMGSVC_PRESETS') })),
});
