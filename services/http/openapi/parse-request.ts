import type { Request } from 'express';
import { z } from 'zod';
import { badRequest } from '../../core/errors.js';

/**
 * A parameter's own public error code, where the generic one says too little (`invalid_cursor`
 * for a page cursor, `invalid_sha256`): kept beside the field's schema, so every route that
 * parses the field gives the same code. A registry of its own, so the OpenAPI document never sees it.
 */
const errorCodes = z.registry<{ errorCode: string }>();

/** Marks a field schema (the outermost one, after `.describe()`) with its error code. */
export function withErrorCode<S extends z.ZodType>(schema: S, errorCode: string): S {
  errorCodes.add(schema, { errorCode });
  return schema;
}

/**
 * Validates a request's query or path parameters with the same schema the OpenAPI document
 * shows. The first problem is the message (`<name>: <problem>`), all are in details; the code
 * is the caller's for that field, else the field's own (withErrorCode), else `fallback`.
 */
function parseWith<S extends z.ZodObject>(schema: S, input: Record<string, unknown>, codes: Record<string, string>, fallback: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`);
  const field = String(parsed.error.issues[0]?.path[0] ?? '');
  const own = Object.hasOwn(schema.shape, field) ? errorCodes.get(schema.shape[field] as z.ZodType)?.errorCode : undefined;
  throw badRequest(codes[field] ?? own ?? fallback, problems[0] ?? 'invalid request', { details: { problems } });
}

/** Only the parameters the schema names are read; a repeated one arrives as an array and is refused. */
export function parseQuery<S extends z.ZodObject>(schema: S, req: Request, codes: Record<string, string> = {}): z.output<S> {
  const input: Record<string, unknown> = {};
  for (const name of Object.keys(schema.shape)) if (Object.hasOwn(req.query, name)) input[name] = req.query[name];
  return parseWith(schema, input, codes, 'invalid_parameter');
}

export function parseParams<S extends z.ZodObject>(schema: S, req: Request, codes: Record<string, string> = {}): z.output<S> {
  return parseWith(schema, { ...req.params }, codes, 'invalid_id');
}
