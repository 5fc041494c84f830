import { readFile } from 'node:fs/promises';
import { authHeaders } from './auth.js';
import { corpusPath } from './corpus.js';
import { checkResponse } from './openapi-responses.js';

export interface UploadReply {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** POSTs a corpus file as a raw body, as `curl --data-binary` would. */
export async function uploadFile(baseUrl: string, relative: string, contentType = 'application/octet-stream'): Promise<UploadReply> {
  const bytes = await readFile(corpusPath(relative));
  return uploadBytes(baseUrl, bytes, contentType);
}

/** Uploads with the service's admin key, or with `key` (null: no key at all). */
export async function uploadBytes(baseUrl: string, bytes: Uint8Array, contentType = 'application/octet-stream', key?: string | null, query = ''): Promise<UploadReply> {
  const auth = key === null ? {} : key ? { authorization: `Bearer ${key}` } : authHeaders(baseUrl);
  const res = await fetch(`${baseUrl}/v1/images${query}`, { method: 'POST', body: bytes, headers: { 'content-type': contentType, ...auth } });
  const body = (await res.json()) as Record<string, unknown>;
  checkResponse('POST', `${baseUrl}/v1/images${query}`, res.status, res.headers.get('content-type'), body);
  return { status: res.status, body, headers: res.headers };
}

/** GETs a URL; API paths (/v1/…) go with the service's admin key, image URLs (/i/…) as anyone would. */
export async function getBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const auth = new URL(url).pathname.startsWith('/v1/') ? authHeaders(url) : {};
  const res = await fetch(url, { headers: { ...auth, ...headers } });
  const body = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type');
  checkResponse('GET', url, res.status, type, type?.startsWith('application/json') ? (JSON.parse(body.toString()) as unknown) : undefined);
  return { status: res.status, body, headers: res.headers };
}

/** The status of a GET, with a key or without; the body is read and dropped. */
export async function statusOf(url: string, key?: string): Promise<number> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const body = Buffer.from(await res.arrayBuffer());
  const type = res.headers.get('content-type');
  checkResponse('GET', url, res.status, type, type?.startsWith('application/json') ? (JSON.parse(body.toString()) as unknown) : undefined);
  return res.status;
}
