import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import { parseParams, parseQuery } from './parse-request.js';

const req = (query: Record<string, unknown>, params: Record<string, string> = {}) => ({ query, params }) as unknown as Request;
const schema = z.object({ limit: z.string().regex(/^\d+$/, 'expected digits').transform(Number).optional(), after: z.string().optional() });

function failure(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
  }
  throw new Error('expected an AppError');
}

describe('parseQuery and parseParams', () => {
  it('reads only the named parameters and applies transforms', () => {
    expect(parseQuery(schema, req({ limit: '5', other: 'x' }))).toEqual({ limit: 5 });
  });

  it('answers 400 with the field, the route\'s code and every problem', () => {
    const err = failure(() => parseQuery(schema, req({ limit: 'many' })));
    expect(err.toJSON().error).toMatchObject({ status: 400, code: 'invalid_parameter', message: 'limit: expected digits' });
    expect(failure(() => parseQuery(schema, req({ after: ['a', 'b'] }), { after: 'invalid_cursor' })).code).toBe('invalid_cursor');
    expect(failure(() => parseParams(z.object({ id: z.string().length(26) }), req({}, { id: 'x' }))).code).toBe('invalid_id');
  });
});
