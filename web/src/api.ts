/** The service's JSON API as the app uses it: same origin, the session cookie, the CSRF token on writes. */

export interface User {
  id: string;
  handle: string;
  displayName: string;
  role: 'admin' | 'user';
}

export interface Image {
  id: string;
  ownerId: string;
  visibility: 'public' | 'private';
  width: number;
  height: number;
  format: string;
  bytes: number;
  status: 'processing' | 'ready' | 'failed';
  createdAt: string;
  placeholder?: string;
  title: string | null;
  description: string | null;
  tags: string[];
  location: { lat: number; lon: number; place?: string } | null;
  takenAt: string | null;
  originalFilename: string | null;
  allowOriginalDownload: boolean | null;
  commentsEnabled: boolean;
  etag: string;
  deletedAt?: string;
  eraseAt?: string;
  signedUrls?: Record<string, string>;
  favorited?: boolean;
  favoriteCount?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** One call: JSON in and out; an error body becomes an ApiError with its status and message. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') Object.assign(headers, csrfHeaders());
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : undefined;
  if (!res.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, error?.code ?? 'http_error', error?.message ?? `HTTP ${res.status}`);
  }
  return json as T;
}

/** Query strings without the undefined parameters. */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const text = q.toString();
  return text ? `?${text}` : '';
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
