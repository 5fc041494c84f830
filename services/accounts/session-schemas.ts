import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from './password-hash.js';

/** Sign-in: no rules beyond the bounds, so a wrong guess reads the same whatever its shape. */
export const signInSchema = z.strictObject({
  handle: z.string({ error: 'expected a string for handle' }).min(1, 'expected a handle').max(64, 'expected a handle of at most 64 characters'),
  password: z.string({ error: 'expected a string for password' }).min(1, 'expected a password').max(MAX_PASSWORD_LENGTH * 4, 'expected a shorter password'),
});

export const setPasswordSchema = z.strictObject({
  password: z.string({ error: 'expected a string for password' }),
});
