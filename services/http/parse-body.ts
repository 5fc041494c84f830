import type { z } from 'zod';
import { badRequest } from '../core/errors.js';

/** Validates a JSON body against its schema; a 400 lists every problem with the field it is about. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const where = i.path.length > 0 ? i.path.join('.') : 'body';
    const message = i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.map((k) => JSON.stringify(k)).join(', ')}` : i.message;
    return `${where}: ${message}`;
  });
  throw badRequest('invalid_body', problems.join('; '), { details: { problems } });
}
