import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

export interface SentResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP request with a streamed body and a known length. node:http rather than fetch: a
 * declared Content-Length lets the server refuse an oversized upload before reading it, and a
 * file stream goes out without being buffered.
 */
export function send(method: string, url: URL, headers: Record<string, string>, body?: Readable): Promise<SentResponse> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, headers }, (res) => {
      // A server may answer before the body is in (413 from Content-Length, 503 at the
      // admission cap) and close: the answer is what counts, not the write error that follows.
      answered = true;
      if (body && !body.readableEnded) {
        body.unpipe(req);
        body.destroy();
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    if (!body) {
      req.end();
      return;
    }
    body.on('error', (err) => {
      if (!answered) req.destroy(err);
    });
    body.pipe(req);
  });
}

/** The server's JSON error message, or the status line when the body is not the usual JSON. */
export function errorMessage(res: SentResponse): string {
  try {
    const body = JSON.parse(res.text) as { error?: { code?: string; message?: string } };
    if (body.error?.message) return `${res.status} ${body.error.code ?? ''}: ${body.error.message}`.replace(' :', ':');
  } catch {
    // Not JSON (a proxy's HTML page, say): fall through to the status.
  }
  return `HTTP ${res.status}`;
}
