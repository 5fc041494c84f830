import type { Scope } from '../../services/accounts/scopes.js';
import { checkResponse } from './openapi-responses.js';

export interface TestUser {
  id: string;
  handle: string;
  /** A key with images:read and images:write. */
  key: string;
}

export async function api(baseUrl: string, method: string, path: string, key: string | undefined, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    parsed = { text };
  }
  checkResponse(method, `${baseUrl}${path}`, res.status, res.headers.get('content-type'), parsed);
  return { status: res.status, body: parsed, headers: res.headers };
}

/** A user made by the admin over HTTP, with a read+write key of their own. */
export async function createUser(baseUrl: string, adminKey: string, handle: string, extra: Record<string, unknown> = {}): Promise<TestUser> {
  const made = await api(baseUrl, 'POST', '/v1/users', adminKey, { handle, ...extra });
  if (made.status !== 201) throw new Error(`creating ${handle}: ${made.status} ${JSON.stringify(made.body)}`);
  const id = String(made.body.id);
  const key = await createKey(baseUrl, adminKey, ['images:read', 'images:write'], { userId: id });
  return { id, handle, key };
}

export async function createKey(baseUrl: string, callerKey: string, scopes: Scope[], extra: Record<string, unknown> = {}): Promise<string> {
  const made = await api(baseUrl, 'POST', '/v1/keys', callerKey, { scopes, ...extra });
  if (made.status !== 201) throw new Error(`creating a key: ${made.status} ${JSON.stringify(made.body)}`);
  return String(made.body.token);
}
