import { z } from 'zod';
import { errorResponse, timestampSchema } from '../http/openapi/common-schemas.js';
import { defineOperations } from '../http/openapi/operation.js';
import { userSchema } from './account-operations.js';
import { personSchema } from './people.js';
import { setPasswordSchema, signInSchema } from './session-schemas.js';

const sessionUserSchema = z.object({ id: z.string(), handle: z.string(), displayName: z.string(), role: z.enum(['admin', 'user']) }).meta({ id: 'SessionUser' });
const sessionSchema = z
  .object({
    user: sessionUserSchema,
    csrfToken: z.string().describe('send as X-CSRF-Token on every write made with the session cookie'),
    expiresAt: timestampSchema.describe('the absolute end of the session (it also ends after an idle period)'),
  })
  .meta({ id: 'Session' });
const userIdParams = z.object({ id: z.string().describe('the user id') });
const needsAdmin = errorResponse('Not an admin');
const csrf = errorResponse('A cookie-authenticated write without the CSRF token, or from another site (csrf_refused)');

export const sessionOperations = defineOperations({
  signIn: {
    method: 'post', path: '/v1/session', operationId: 'signIn', tags: ['sessions'], auth: 'none',
    summary: 'Sign in with a handle and a password',
    description: 'Sets the `imgsvc_session` cookie (HttpOnly, SameSite=Lax, Path=/, Secure over TLS) with a new session id. Refused from another site (403). Failures are limited per handle and per address (429).',
    body: signInSchema,
    responses: {
      200: { description: 'Signed in', json: sessionSchema, headers: { 'Set-Cookie': 'imgsvc_session=…; HttpOnly; SameSite=Lax; Path=/' } },
      400: errorResponse('A malformed body'),
      401: errorResponse('Wrong handle or password (the same answer for both)'),
      403: errorResponse('Sent from another site'),
      429: errorResponse('Too many failed sign-ins for this handle or address'),
    },
  },
  getSession: {
    method: 'get', path: '/v1/session', operationId: 'getSession', tags: ['sessions'], auth: 'optional',
    summary: 'The session the cookie names, with its CSRF token',
    responses: { 200: { description: 'Signed in', json: sessionSchema }, 401: errorResponse('Not signed in') },
  },
  signOut: {
    method: 'delete', path: '/v1/session', operationId: 'signOut', tags: ['sessions'], auth: 'optional',
    summary: 'Sign out (ends this session and clears the cookie)',
    responses: { 204: { description: 'Signed out (also when there was no session)' }, 403: csrf },
  },
  revokeAll: {
    method: 'post', path: '/v1/session/revoke-all', operationId: 'signOutEverywhere', tags: ['sessions'], auth: 'key',
    summary: 'Sign out everywhere: every session of the caller ends',
    responses: { 204: { description: 'Every session ended' }, 403: csrf },
  },
  usePasswordLink: {
    method: 'post', path: '/v1/password-links/:token', operationId: 'setPasswordFromLink', tags: ['sessions'], auth: 'none',
    summary: 'Set a password with a one-time link (invitation, reset, first start)',
    description: 'The token is the part after `#` in `/app/set-password#<token>`. Ends the user\'s sessions; sign in afterwards.',
    params: z.object({ token: z.string().describe('the link\'s token') }),
    body: setPasswordSchema,
    responses: {
      200: { description: 'The password is set', json: z.object({ user: sessionUserSchema }) },
      400: errorResponse('A password shorter than 12 or longer than 256 characters (weak_password)'),
      404: errorResponse('An unknown, used, replaced or expired link'),
    },
  },
  createPasswordLink: {
    method: 'post', path: '/v1/users/:id/password-link', operationId: 'createPasswordLink', tags: ['sessions'], auth: 'key', scope: 'admin',
    summary: 'A one-time set-password link for a user (invitation or reset); replaces any earlier one',
    params: userIdParams,
    responses: { 201: { description: 'The link, shown only now', json: z.object({ url: z.string().describe('<origin>/app/set-password#<token>'), expiresAt: timestampSchema }) }, 403: needsAdmin, 404: errorResponse('No such user') },
  },
  userByHandle: {
    method: 'get', path: '/v1/users/by-handle/:handle', operationId: 'getUserByHandle', tags: ['accounts'], auth: 'key',
    summary: 'Find a person by handle (any signed-in caller)',
    params: z.object({ handle: z.string().describe('the handle') }),
    responses: { 200: { description: 'Their public profile', json: personSchema }, 404: errorResponse('No such (enabled) user') },
  },
  enableUser: {
    method: 'post', path: '/v1/users/:id/enable', operationId: 'enableUser', tags: ['accounts'], auth: 'key', scope: 'admin',
    summary: 'Re-enable a disabled user', params: userIdParams,
    responses: { 200: { description: 'The user', json: userSchema }, 403: needsAdmin, 404: errorResponse('No such user') },
  },
  deleteUser: {
    method: 'delete', path: '/v1/users/:id', operationId: 'deleteUser', tags: ['accounts'], auth: 'key', scope: 'admin',
    summary: 'Delete a user: keys and sessions stop at once, their images go to the trash and are erased on the trash timeline',
    params: userIdParams,
    responses: { 204: { description: 'Deleted' }, 400: errorResponse('An admin cannot delete themself'), 403: needsAdmin, 404: errorResponse('No such user') },
  },
});
