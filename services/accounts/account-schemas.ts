import { z } from 'zod';
import { hiddenInText } from '../core/invisible-chars.js';
import { SCOPES } from './scopes.js';

/** Control characters (C0, DEL, C1) and the Unicode line/paragraph separators. */
const CONTROL_RE = /[\p{Cc}\u2028\u2029]/u;

export const handleSchema = z
  .string({ error: 'expected a string for handle' })
  .min(2, 'expected a handle of 2 to 32 characters')
  .max(32, 'expected a handle of 2 to 32 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected a handle of lowercase letters, digits and . _ - (starting with a letter or digit)');

export const displayNameSchema = z
  .string({ error: 'expected a string for displayName' })
  .transform((s) => s.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'expected a displayName of 1 to 100 characters')
      .max(100, 'expected a displayName of 1 to 100 characters')
      .refine((s) => !CONTROL_RE.test(s), 'expected a displayName without control characters')
      .refine((s) => hiddenInText(s) === undefined, { error: (i) => `expected a displayName without invisible or direction-override characters but found ${hiddenInText(String(i.input))}` }),
  );

export const visibilitySchema = z.enum(['public', 'private'], { error: 'expected "public" or "private" for visibility' });

export const createUserSchema = z.strictObject({
  handle: handleSchema,
  displayName: displayNameSchema.optional(),
  role: z.enum(['admin', 'user'], { error: 'expected "admin" or "user" for role' }).default('user'),
  defaultVisibility: visibilitySchema.default('public'),
});

export const updateMeSchema = z.strictObject({
  displayName: displayNameSchema.optional(),
  defaultVisibility: visibilitySchema.optional(),
  allowOriginalDownloads: z.boolean({ error: 'expected true or false for allowOriginalDownloads' }).optional(),
  shareLocation: z.boolean({ error: 'expected true or false for shareLocation' }).optional(),
});

export const createKeySchema = z.strictObject({
  name: z
    .string()
    .max(100, 'expected a key name of at most 100 characters')
    .refine((s) => !CONTROL_RE.test(s), 'expected a key name without control characters')
    .default(''),
  scopes: z.array(z.enum(SCOPES, { error: `expected scopes from ${SCOPES.join(', ')}` })).min(1, 'expected at least one scope').max(SCOPES.length),
  /** Seconds from now; absent means the key does not expire. */
  expiresInSeconds: z.number().int().min(60).max(10 * 365 * 86_400).optional(),
  /** Admins may create a key for another user. */
  userId: z.string().optional(),
});

export { CONTROL_RE };
