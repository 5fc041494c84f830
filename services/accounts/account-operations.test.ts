import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.js';
import { parseQuery } from '../http/openapi/parse-request.js';
import { accountOperations } from './account-operations.js';

const codeOf = (query: Record<string, unknown>): string | undefined => {
  try {
    parseQuery(accountOperations.listUsers.query, { query } as unknown as Request);
    return undefined;
  } catch (err) {
    return err instanceof AppError ? `${err.status} ${err.code}` : 'thrown';
  }
};

// route() parses with the operation's schema alone: the cursor's own code is on its field.
describe('GET /v1/users parameters', () => {
  it.each([
    [{ after: 'not-a-user-id' }, '400 invalid_cursor'],
    [{ after: '01JD0000000000000000000000' }, undefined],
    [{ limit: '0' }, '400 invalid_parameter'],
  ])('%o: %s', (query, code) => {
    expect(codeOf(query)).toBe(code);
  });
});
