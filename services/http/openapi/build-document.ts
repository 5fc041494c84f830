import { z } from 'zod';
import { errorBody } from './common-schemas.js';
import type { ApiOperation, Auth, ResponseSpec } from './operation.js';

type Json = Record<string, unknown>;

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** Express `/v1/images/:id` → OpenAPI `/v1/images/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Statuses any operation may answer besides its own: the authentication step, rate limits, faults. */
function commonErrors(auth: Auth, hasParams: boolean): Record<number, string> {
  const always: Record<number, string> = {
    429: 'Too many requests (Retry-After says when to retry)', 500: 'Internal error', 503: 'A dependency (Redis, storage) is unavailable; retry' };
  // Ids in the path are checked by the access guards before anything is looked up.
  if (hasParams) always[400] = 'A malformed path parameter (such as an id that is not a ULID)';
  if (auth === 'none') return always;
  return { 401: 'The presented key is unknown, revoked or expired (WWW-Authenticate: Bearer)', ...always };
}

const SECURITY: Record<Auth, Json[]> = {
  none: [],
  optional: [{}, { apiKey: [] }, { session: [] }],
  key: [{ apiKey: [] }, { session: [] }],
  image: [{}, { apiKey: [] }, { signedUrl: [] }],
};

/**
 * Zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1). Schemas with an `id` in their
 * metadata become components, shared by every operation that uses them.
 */
class SchemaConverter {
  readonly components: Record<string, Json> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): Json {
    const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', reused: 'inline' }) as Json;
    const defs = (out.$defs ?? {}) as Record<string, Json>;
    delete out.$defs;
    delete out.$schema;
    for (const [id, def] of Object.entries(defs)) {
      // Input and output forms of a component differ (defaults, transforms): the output one keeps the bare name.
      const name = io === 'output' ? id : `${id}Input`;
      this.components[name] = this.rewrite(def, io) as Json;
    }
    const top = this.rewrite(out, io) as Json;
    return top;
  }

  private rewrite(value: unknown, io: 'input' | 'output'): unknown {
    const text = JSON.stringify(value).replace(/"#\/\$defs\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${io === 'output' ? id : `${id}Input`}"`);
    return JSON.parse(text) as unknown;
  }
}

function parameters(op: ApiOperation, conv: SchemaConverter): Json[] {
  const out: Json[] = [];
  const add = (where: 'path' | 'query' | 'header', shape: z.ZodObject | undefined) => {
    if (!shape) return;
    const schema = conv.convert(shape, 'input');
    const props = (schema.properties ?? {}) as Record<string, Json>;
    const required = new Set((schema.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const { description, ...rest } = prop;
      out.push({ name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest });
    }
  };
  add('path', op.params);
  add('query', op.query);
  add('header', op.headers);
  return out;
}

function response(spec: ResponseSpec, conv: SchemaConverter): Json {
  const content: Json = {};
  if (spec.json) content['application/json'] = { schema: conv.convert(spec.json, 'output') };
  for (const [type, schema] of Object.entries(spec.content ?? {})) content[type] = { schema };
  const headers = Object.fromEntries(Object.entries(spec.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  return {
    description: spec.description,
    ...(Object.keys(headers).length ? { headers } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

function operationObject(op: ApiOperation, conv: SchemaConverter): Json {
  const responses: Json = {};
  const errorRef = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
  for (const [status, spec] of Object.entries(op.responses)) responses[status] = response(spec, conv);
  for (const [status, description] of Object.entries(commonErrors(op.auth, op.params !== undefined))) if (!(status in responses)) responses[status] = { description, content: errorRef };
  const body: Json = {};
  if (op.body) body['application/json'] = { schema: conv.convert(op.body, 'input') };
  for (const [type, schema] of Object.entries(op.bodyContent ?? {})) body[type] = { schema };
  const scope = op.scope ? `\n\nNeeds a key with \`${op.scope}\`${op.scope === 'admin' ? ' (an admin\'s key)' : ''}.` : '';
  const params = parameters(op, conv);
  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description || scope ? { description: `${op.description ?? op.summary}${scope}` } : {}),
    tags: op.tags,
    security: SECURITY[op.auth],
    ...(params.length ? { parameters: params } : {}),
    ...(Object.keys(body).length ? { requestBody: { required: true, content: body } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of these operations: pure, built once at start-up. */
export function buildDocument(operations: readonly ApiOperation[], info: DocumentInfo): Json {
  const conv = new SchemaConverter();
  conv.components.Error = conv.convert(errorBody, 'output');
  const paths: Record<string, Record<string, Json>> = {};
  const ids = new Set<string>();
  for (const op of operations) {
    if (ids.has(op.operationId)) throw new Error(`operationId ${op.operationId} is used twice`);
    ids.add(op.operationId);
    const path = openApiPath(op.path);
    const item = (paths[path] ??= {});
    if (item[op.method]) throw new Error(`${op.method.toUpperCase()} ${op.path} is described twice`);
    item[op.method] = operationObject(op, conv);
  }
  return {
    openapi: '3.1.1',
    info: { ...info, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [...new Set(operations.flatMap((o) => o.tags))].sort().map((name) => ({ name })),
    paths,
    components: {
      schemas: conv.components,
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'imgsvc_<keyId>_<secret>', description: 'An API key: `Authorization: Bearer imgsvc_…` (made with `imgsvc keys create` or POST /v1/keys).' },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'imgsvc_session',
          description: 'A person signed in with POST /v1/session. Writes also need the session\'s `X-CSRF-Token` header and a same-origin request (see docs/web-api.md).',
        },
        signedUrl: {
          type: 'apiKey',
          in: 'query',
          name: 'sig',
          description: 'A signed image URL: `exp` (expiry, Unix seconds), `kid` (signing key id) and `sig` (HMAC of the path and the other parameters) in the query, as minted by POST /v1/images/{id}/signed-urls or shown in a private record\'s `signedUrls`.',
        },
      },
    },
  };
}
