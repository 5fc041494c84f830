import { z } from 'zod';
import { errorResponse } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { formatSize, MAX_OWNER_SIZES, parseSize, sameSize, type AllowedSize } from '../core/variant-sizes.js';

/** One size as written (`300`, `640x480`, `x200`), checked and written back in its one spelling. */
const sizeText = z
  .string({ error: 'expected a string such as "300", "640x480" or "x200" for each size' })
  .transform((text, ctx) => {
    const size = parseSize(text.trim());
    if (typeof size === 'string') {
      ctx.addIssue({ code: 'custom', message: size });
      return z.NEVER;
    }
    return size;
  });

export const variantSizesBody = z.strictObject({
  sizes: z
    .array(sizeText, { error: 'expected an array of sizes for sizes' })
    .max(MAX_OWNER_SIZES, `expected at most ${MAX_OWNER_SIZES} sizes`)
    .transform((sizes) => sizes.filter((s, i) => sizes.findIndex((o) => sameSize(o, s)) === i).map((s: AllowedSize) => formatSize(s)))
    .meta({ examples: [['300', '640x480', 'x200']] })
    .describe('URL sizes in CSS pixels: `300` is ?w=300, `640x480` is ?w=640&h=480 (any fit), `x200` is ?h=200; an empty list removes them all'),
});

const sizesResponse = z.object({ sizes: z.array(z.string()).describe('the caller\'s allowed sizes, each once, as written') });

export const variantSizeOperations = defineOperations({
  getVariantSizes: {
    method: 'get', path: '/v1/me/variant-sizes', operationId: 'getVariantSizes', tags: ['accounts'], auth: 'key', scope: 'images:read',
    summary: 'Sizes anyone may ask of the caller\'s images exactly (others snap to the width ladder)',
    responses: { 200: { description: 'The sizes', json: sizesResponse }, 403: errorResponse('The key lacks images:read') },
  },
  setVariantSizes: {
    method: 'put', path: '/v1/me/variant-sizes', operationId: 'setVariantSizes', tags: ['accounts'], auth: 'key', scope: 'images:write',
    summary: 'Replace the sizes anyone may ask of the caller\'s images exactly',
    description:
      'An unsigned `/i/<id>?w=…&h=…` whose size is in this list (or the operator\'s IMGSVC_VARIANT_SIZES) is rendered exactly, at whole DPRs; any other unsigned size snaps up to the width ladder. Such exact sizes are kept in the origin\'s memory cache only, never in storage. At most 32 sizes.',
    body: variantSizesBody,
    responses: { 200: { description: 'The sizes now', json: sizesResponse }, 400: errorResponse('A malformed size, or more than 32'), 403: errorResponse('The key lacks images:write') },
  },
});
