import { z } from 'zod';
import { SHA256_RE, ULID_RE } from '../../core/ids.js';

/** The one error body (AppError.toJSON, written by sendError and the error handler). */
export const errorBody = z.object({
    error: z.object({
      status: z.number().int().min(400).max(599),
      code: z.string().describe('stable, machine-readable reason (snake_case)'),
      message: z.string().describe('for people; may change'),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
});
export const errorBodySchema = errorBody.meta({ id: 'Error' });

/** An error response of an operation: the one error body. */
export const errorResponse = (description: string) => ({ description, json: errorBodySchema });

export const timestampSchema = z.string().describe('ISO 8601 date-time, UTC');

/** Ids are ULIDs: users, images, albums. */
export const ulidSchema = z.string().regex(ULID_RE, 'expected a 26-character id');
export const sha256Schema = z.string().regex(SHA256_RE, 'expected 64 lowercase hexadecimal characters');

/** `nextCursor`/`prevCursor`: opaque, signed, bound to the query they came from. */
export const cursorsShape = {
  nextCursor: z.string().nullable().describe('pass as `after` for the next page; null on the last'),
  prevCursor: z.string().nullable().describe('pass as `before` for the previous page; null on the first'),
};

