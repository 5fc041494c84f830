import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** What a path answers: a status, or a function of how many requests the path has had (1-based). */
export type Behaviour = number | ((n: number, res: ServerResponse) => number | 'hang');

/** A real HTTP receiver on 127.0.0.1 that records every request and answers as told per path. */
export async function startReceiver(): Promise<{ url: string; received: Received[]; on(path: string, b: Behaviour): void; stop(): Promise<void> }> {
  const received: Received[] = [];
  const behaviours = new Map<string, Behaviour>();
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const n = (counts.get(path) ?? 0) + 1;
      counts.set(path, n);
      const b = behaviours.get(path) ?? 200;
      const status = typeof b === 'number' ? b : b(n, res);
      if (status === 'hang') return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    on: (path, b) => void behaviours.set(path, b),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * The receiving side of the Standard Webhooks specification, written from the spec and not
 * from the service's signer: the signed content is `<webhook-id>.<webhook-timestamp>.<body>`,
 * the key is the base64 part of `whsec_…`, the header holds space-separated `v1,<base64>`
 * signatures, any of which may match; the timestamp must be within the tolerance.
 */
export function verifyStandardWebhook(secret: string, headers: IncomingHttpHeaders, body: string, toleranceSeconds = 300): { ok: boolean; matched: number } {
  const id = String(headers['webhook-id'] ?? '');
  const ts = String(headers['webhook-timestamp'] ?? '');
  const header = String(headers['webhook-signature'] ?? '');
  if (!id || !/^\d+$/.test(ts) || Math.abs(Date.now() / 1000 - Number(ts)) > toleranceSeconds) return { ok: false, matched: 0 };
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${ts}.${body}`).digest();
  let matched = 0;
  for (const part of header.split(' ')) {
    const [version, sig] = part.split(',');
    if (version !== 'v1' || !sig) continue;
    const given = Buffer.from(sig, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched++;
  }
  return { ok: matched > 0, matched };
}
