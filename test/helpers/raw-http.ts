import { connect, type Socket } from 'node:net';

export interface RawExchange {
  socket: Socket;
  /** Everything the server sent so far. */
  received: () => string;
  /** Resolves when the server has closed the connection (or it broke). */
  closed: Promise<void>;
}

/**
 * Opens a TCP connection to `baseUrl` and writes `head` (request line and headers, CRLFs
 * included) and `body` as given, then leaves the connection open: a client that stalls.
 */
export async function rawRequest(baseUrl: string, head: string, body: Buffer = Buffer.alloc(0)): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let data = '';
  socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(head);
  if (body.length > 0) socket.write(body);
  return { socket, received: () => data, closed };
}

/** The request head of a POST /v1/images with a declared length. */
export function uploadHead(contentLength: number, contentType = 'image/jpeg', key?: string): string {
  const auth = key ? `Authorization: Bearer ${key}\r\n` : '';
  return `POST /v1/images HTTP/1.1\r\nHost: test\r\n${auth}Content-Type: ${contentType}\r\nContent-Length: ${contentLength}\r\n\r\n`;
}
