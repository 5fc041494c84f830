import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { WebhookAllowLevel } from '../../core/webhook-settings.js';
import type { AttemptOutcome } from './retry-schedule.js';
import { hostOf, pinnedLookup, resolveAllowed, urlShapeProblem } from './url-guard.js';

export interface Attempt {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  allow: WebhookAllowLevel;
}

/** Most of a response body read (and dropped) so the connection can be reused; the rest is cut. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * One POST to a receiver, bounded by `timeoutMs` from start to the last byte. The address is
 * checked again here (registration was earlier, DNS may have changed since) and the socket
 * connects to the address that was checked. Redirects are not followed: a 3xx is a failure.
 */
export async function sendAttempt(a: Attempt): Promise<AttemptOutcome> {
  const shape = urlShapeProblem(a.url);
  if (shape) return { kind: 'error', error: shape.message };
  const url = new URL(a.url);
  const host = hostOf(url);
  // An IP literal never goes through `lookup`: check it here.
  if (isIP(host)) {
    const checked = await resolveAllowed(host, a.allow);
    if ('code' in checked) return { kind: 'error', error: checked.message };
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    let settled = false;
    const done = (o: AttemptOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(o);
    };
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...a.headers, 'content-length': String(Buffer.byteLength(a.body)) },
        lookup: pinnedLookup(a.allow),
        agent: false,
      },
      (res) => {
        let seen = 0;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (seen > MAX_RESPONSE_BYTES) res.destroy();
        });
        const finish = () => done({ kind: 'status', status: res.statusCode ?? 0 });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    const timer = setTimeout(() => {
      done({ kind: 'error', error: `no answer within ${a.timeoutMs} ms` });
      req.destroy();
    }, a.timeoutMs);
    req.on('error', (err) => done({ kind: 'error', error: err.message }));
    req.end(a.body);
  });
}
