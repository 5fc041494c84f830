import { z } from 'zod';
import { errorResponse, timestampSchema, ulidSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { withErrorCode } from '../http/openapi/parse-request.js';
import { createKeySchema, createUserSchema, updateMeSchema } from './account-schemas.js';
import { SCOPES } from './scopes.js';

export const userSchema = z
  .object({
    id: ulidSchema,
    handle: z.string(),
    displayName: z.string(),
    role: z.enum(['admin', 'user']),
    createdAt: timestampSchema,
    defaultVisibility: z.enum(['public', 'private']),
    allowOriginalDownloads: z.boolean(),
    shareLocation: z.boolean().describe('whether the GPS position in EXIF is kept as location at upload (off by default)'),
    disabled: z.boolean(),
  })
  .meta({ id: 'User' });

export const apiKeySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    prefix: z.string().describe('imgsvc_<id>_: how the token starts'),
    scopes: z.array(z.enum(SCOPES)),
    createdAt: timestampSchema,
    expiresAt: timestampSchema.nullable(),
    revokedAt: timestampSchema.nullable(),
    lastUsedAt: timestampSchema.nullable(),
    parentId: z.string().nullable().describe('the caller\'s key that minted this one; revoking it revokes this one'),
  })
  .meta({ id: 'ApiKey' });

const keyWithState = z.object({ ...apiKeySchema.shape, state: z.enum(['active', 'revoked', 'expired']) });

export const usersQuery = z.object({
  after: withErrorCode(z.string().regex(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/, 'expected a user id for after').optional().describe('the last user id of the previous page'), 'invalid_cursor'),
  limit: z
    .string()
    .refine((t) => Number.isInteger(Number(t)) && Number(t) >= 1 && Number(t) <= 200, { error: (i) => `expected an integer from 1 to 200 for limit but received ${JSON.stringify(i.input)}` })
    .transform(Number)
    .optional()
    .describe('page size, 1 to 200 (default 50)'),
});
export const keysQuery = z.object({ userId: z.string().optional().describe('admins: another user\'s keys') });
export const keyIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'expected a 16-character key id').describe('the key id (the part after imgsvc_)') });
const userIdParams = z.object({ id: z.string().describe('the user id') });
const needsAdmin = errorResponse('Not an admin');

export const accountOperations = defineOperations({
  createUser: {
    method: 'post', path: '/v1/users', operationId: 'createUser', tags: ['accounts'], auth: 'key', scope: 'admin',
    summary: 'Create a user', body: createUserSchema,
    responses: { 201: { description: 'Created', json: userSchema, headers: { Location: '/v1/users/<id>' } }, 400: errorResponse('A malformed field'), 403: needsAdmin, 409: errorResponse('The handle is taken') },
  },
  listUsers: {
    method: 'get', path: '/v1/users', operationId: 'listUsers', tags: ['accounts'], auth: 'key', scope: 'admin',
    summary: 'Users, in id order', query: usersQuery,
    responses: { 200: { description: 'One page', json: z.object({ items: z.array(userSchema), nextCursor: z.string().nullable().describe('pass as after') }) }, 400: errorResponse('A malformed parameter'), 403: needsAdmin },
  },
  disableUser: {
    method: 'post', path: '/v1/users/:id/disable', operationId: 'disableUser', tags: ['accounts'], auth: 'key', scope: 'admin',
    summary: 'Disable a user (their keys stop working)', params: userIdParams,
    responses: { 200: { description: 'The disabled user', json: userSchema }, 400: errorResponse('An admin cannot disable themself'), 403: needsAdmin, 404: errorResponse('No such user') },
  },
  me: {
    method: 'get', path: '/v1/me', operationId: 'getMe', tags: ['accounts'], auth: 'key',
    summary: 'The caller\'s account and key',
    responses: { 200: { description: 'The account', json: z.object({ ...userSchema.shape, key: z.object({ id: z.string(), scopes: z.array(z.enum(SCOPES)) }).nullable().describe('null when the caller signed in with a password (a session)') }) }, 404: errorResponse('The key\'s user no longer exists') },
  },
  updateMe: {
    method: 'patch', path: '/v1/me', operationId: 'updateMe', tags: ['accounts'], auth: 'key', scope: 'images:write',
    summary: 'Change the caller\'s display name and defaults', body: updateMeSchema,
    responses: { 200: { description: 'The account', json: userSchema }, 400: errorResponse('A malformed field'), 403: errorResponse('The key lacks images:write') },
  },
  createKey: {
    method: 'post', path: '/v1/keys', operationId: 'createKey', tags: ['accounts'], auth: 'key',
    summary: 'Create an API key (never wider than the calling key, never expiring after it)', body: createKeySchema,
    responses: {
      201: { description: 'The key and its token, shown only now', json: z.object({ ...apiKeySchema.shape, token: z.string().describe('imgsvc_<id>_<secret>'), note: z.string() }) },
      400: errorResponse('A malformed field, or the user is disabled'),
      403: errorResponse('Wider than the calling key or the user\'s role, or another user\'s (admins only)'),
      404: errorResponse('No such user'),
    },
  },
  listKeys: {
    method: 'get', path: '/v1/keys', operationId: 'listKeys', tags: ['accounts'], auth: 'key',
    summary: 'The caller\'s keys (an admin: anyone\'s)', query: keysQuery,
    responses: { 200: { description: 'The keys', json: z.object({ items: z.array(keyWithState) }) }, 403: needsAdmin },
  },
  revokeKey: {
    method: 'delete', path: '/v1/keys/:id', operationId: 'revokeKey', tags: ['accounts'], auth: 'key',
    summary: 'Revoke a key and every key it minted', params: z.object({ id: z.string().describe('the key id (the part after imgsvc_)') }),
    responses: { 200: { description: 'The revoked key', json: keyWithState }, 404: errorResponse('No such key, or another user\'s') },
  },
});
