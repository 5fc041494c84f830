import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildDocument, openApiPath } from './build-document.js';
import { errorResponse } from './common-schemas.js';
import type { ApiOperation } from './operation.js';

const info = { title: 't', version: '1', description: 'd' };
const thing = z.object({ id: z.string(), n: z.number().int() }).meta({ id: 'Thing' });
const op = (over: Partial<ApiOperation> = {}): ApiOperation => ({
  method: 'get', path: '/v1/things/:id', operationId: 'getThing', summary: 's', tags: ['things'], auth: 'key',
  params: z.object({ id: z.string() }), responses: { 200: { description: 'ok', json: thing }, 404: errorResponse('none') }, ...over,
});

describe('buildDocument', () => {
  it('turns Express paths into OpenAPI templates', () => {
    expect(openApiPath('/v1/albums/:id/images/:imageId')).toBe('/v1/albums/{id}/images/{imageId}');
    expect(openApiPath('/healthz')).toBe('/healthz');
  });

  it('shares schemas with an id as components and adds the common errors', () => {
    const doc = buildDocument([op()], info) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }>; parameters: unknown[] }>>; components: { schemas: Record<string, unknown> } };
    const get = doc.paths['/v1/things/{id}']!.get!;
    expect(get.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/Thing' });
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '404', '429', '500', '503']);
    expect(doc.components.schemas.Thing).toMatchObject({ type: 'object', required: ['id', 'n'], additionalProperties: false });
    expect(get.parameters).toEqual([{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }]);
  });

  it('refuses a route or an operationId described twice', () => {
    expect(() => buildDocument([op(), op({ operationId: 'other' })], info)).toThrow(/described twice/);
    expect(() => buildDocument([op(), op({ method: 'delete' })], info)).toThrow(/used twice/);
  });
});
