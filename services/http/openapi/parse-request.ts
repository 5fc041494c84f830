import type { Request } from 'express';
import type { z } from 'zod';
import { badRequest } from '../../core/errors.js';

/**
 * Validates a request's query or path parameters with the same schema the OpenAPI document
 * shows. The first problem is the message (`<name>: <problem>`), all are in details; `code`
 * is the public error code (`invalid_parameter`, or the route's own such as `invalid_cursor`).
 */
function parseWith<S extends z.ZodObject>(schema: S, input: Record<string, unknown>, code: (field: string) => string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
  const field = String(parsed.error.issues[0]?.path[0] ?? '');
  throw badRequest(code(field), problems[0] ?? 'invalid request', { details: { problems } });
}

/** Only the parameters the schema names are read; a repeated one arrives as an array and is refused. */
export function parseQuery<S extends z.ZodObject>(schema: S, req: Request, codes: Record<string, string> = {}): z.output<S> {
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(schema.shape)) if (Object.hasOwn(req.query, name)) input[name] = req.query[name];
  return parseWith(schema, input, (f) => codes[f] ?? 'invalid_parameter');
}

export function parseParams<S extends z.ZodObject>(schema: S, req: Request, codes: Record<string, string> = {}): z.output<S> {
  return parseWith(schema, { ...req.params }, (f) => codes[f] ?? 'invalid_id');
}
