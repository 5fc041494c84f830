import type { z } from 'zod';

export type HttpMethod = 'get' | 'head' | 'put' | 'post' | 'patch' | 'delete';

/**
 * Who may call an operation: `none` (probes, docs), `optional` (anonymous callers see public
 * things), `key` (an API key is required), `image` (`/i/`: anonymous, a key, or a signed URL).
 */
export type Auth = 'none' | 'optional' | 'key' | 'image';

export interface ResponseSpec {
  description: string;
  /** The JSON body (omitted: no body, or a non-JSON one described by `content`). */
  json?: z.ZodType;
  /** Non-JSON bodies by media type, as plain JSON Schema (`{}` when any bytes). */
  content?: Record<string, Record<string, unknown>>;
  headers?: Record<string, string>;
}

/** One route as the OpenAPI document describes it, and as its handler validates it. */
export interface ApiOperation {
  method: HttpMethod;
  /** Express syntax (`/v1/images/:id`), exactly as the route is registered. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: Auth;
  /** Scope the key needs, shown in the description (`images:read`, `images:write`, `admin`). */
  scope?: 'images:read' | 'images:write' | 'admin';
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers that change the answer. */
  headers?: z.ZodObject;
  /** A JSON request body. */
  body?: z.ZodType;
  /** Other request bodies by media type (raw or multipart uploads), as plain JSON Schema. */
  bodyContent?: Record<string, Record<string, unknown>>;
  responses: Record<number, ResponseSpec>;
}

/** Identity, so each operation file gets the type checked where it is written. */
export function defineOperations<const T extends Record<string, ApiOperation>>(ops: T): T {
  return ops;
}
