import { readFile } from 'node:fs/promises';
import { authHeaders } from './auth.js';
import { corpusPath } from './corpus.js';

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
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** GETs a URL; API paths (/v1/…) go with the service's admin key, image URLs (/i/…) as anyone would. */
export async function getBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const auth = new URL(url).pathname.startsWith('/v1/') ? authHeaders(url) : {};
  const res = await fetch(url, { headers: { ...auth, ...headers } });
  return { status: res.status, body: Buffer.from(await res.arrayBuffer()), headers: res.headers };
}

/** The status of a GET, with a key or without; the body is read and dropped. */
export async function statusOf(url: string, key?: string): Promise<number> {
  const res = await fetch(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  await res.arrayBuffer();
  return res.status;
}
