import { api } from './accounts.js';

export interface TestSession {
  /** `imgsvc_session=<value>`, as a browser would send it back. */
  cookie: string;
  csrfToken: string;
  setCookie: string;
}

/** Sets a user's password through an admin's set-password link, as the web app does. */
export async function setPassword(url: string, adminKey: string, userId: string, password: string): Promise<void> {
  const link = await api(url, 'POST', `/v1/users/${userId}/password-link`, adminKey);
  if (link.status !== 201) throw new Error(`password link: ${link.status} ${JSON.stringify(link.body)}`);
  const token = String(link.body.url).split('#')[1]!;
  const set = await fetch(`${url}/v1/password-links/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password }) });
  if (set.status !== 200) throw new Error(`set password: ${set.status} ${await set.text()}`);
}

export async function signInRaw(url: string, handle: string, password: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...headers },
    body: JSON.stringify({ handle, password }),
  });
}

export async function signIn(url: string, handle: string, password: string, headers: Record<string, string> = {}): Promise<TestSession> {
  const res = await signInRaw(url, handle, password, headers);
  const body = (await res.json()) as { csrfToken: string };
  if (res.status !== 200) throw new Error(`sign-in: ${res.status} ${JSON.stringify(body)}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, csrfToken: body.csrfToken, setCookie };
}

/** A request as the web app makes it: the cookie, same-origin, and the CSRF token on writes. */
export async function asBrowser(url: string, method: string, path: string, session: TestSession, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      cookie: session.cookie,
      'sec-fetch-site': 'same-origin',
      'x-csrf-token': session.csrfToken,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}

export { api };
