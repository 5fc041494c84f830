import { z } from 'zod';
import { IMAGE_RESPONSE_HEADERS } from './image-headers.js';
import { NEGOTIATION_HEADERS, type NegotiationHeader } from '../core/client-hints.js';
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
  w: int(1, MAX_OUTPUT_WIDTH, 'width in CSS pixels; exact in a signed URL or when allow-listed (IMGSVC_VARIANT_SIZES, the owner\'s /v1/me/variant-sizes), else snapped up to the width ladder').optional(),
  h: int(1, MAX_OUTPUT_WIDTH, 'height in CSS pixels; exact or snapped like w (a box keeps its proportions)').optional(),
  dpr: z.string().regex(/^\d+(\.\d+)?$/).optional().describe(`device pixel ratio, 1 to ${MAX_DPR}`),
  fit: z.enum(FITS).optional().describe('with w and h: how to fit the box (default inside)'),
  fmt: z.enum(Object.keys(FORMAT_PARAM) as [string, ...string[]]).optional().describe('output format (default: negotiated from Accept)'),
  q: int(MIN_QUALITY, MAX_QUALITY, 'quality: honoured in a signed URL only, ignored otherwise (the tuned quality)').optional(),
  anim: z.enum(['true', 'false']).optional().describe('false: the first frame of an animation'),
  exp: z.string().optional().describe('signed URLs: expiry (Unix seconds)'),
  kid: z.string().optional().describe('signed URLs: signing key id'),
  sig: z.string().optional().describe('signed URLs: signature'),
});

/** What each header negotiation reads means to a client: one row per NEGOTIATION_HEADERS entry (a missing row fails the typecheck). */
const NEGOTIATION_HEADER_DOCS = {
  accept: 'formats the client takes (image/avif, image/webp…)',
  'user-agent': 'device class when no Client Hints are sent',
  'sec-ch-width': 'Client Hint: wanted width in device pixels',
  width: 'Client Hint (legacy form of Sec-CH-Width)',
  'sec-ch-viewport-width': 'Client Hint: viewport width in CSS pixels',
  'viewport-width': 'Client Hint (legacy form of Sec-CH-Viewport-Width)',
  'sec-ch-dpr': 'Client Hint: device pixel ratio',
  dpr: 'Client Hint (legacy form of Sec-CH-DPR)',
  'save-data': 'on: lowers quality unless the URL fixes format and size',
  ect: 'effective connection type: 2g and slow-2g lower quality',
} as const satisfies Record<NegotiationHeader, string>;

export const imageHeaders = z.object({
  ...(Object.fromEntries(NEGOTIATION_HEADERS.map((name) => [name, z.string().optional().describe(NEGOTIATION_HEADER_DOCS[name])])) as Record<NegotiationHeader, z.ZodOptional<z.ZodString>>),
  'if-none-match': z.string().optional(),
});

const IMAGE_HEADERS = IMAGE_RESPONSE_HEADERS;

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
