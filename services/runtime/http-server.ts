import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { capConnectionsPerAddress } from '../http/connection-cap.js';

/**
 * The process's one HTTP server: the raw `/i/` handler first (it answers `true` for what it
 * took), the Express app for the rest.
 */
export function createHttpServer(
  app: (req: IncomingMessage, res: ServerResponse) => void,
  images: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined,
  connectionsPerAddress: number,
): Server {
  const server = createServer(
    {
      // Uploads of large originals over slow links need time; idle keep-alive outlives a typical LB's 60 s.
      requestTimeout: 300_000,
      headersTimeout: 30_000,
      keepAliveTimeout: 65_000,
    },
    (req, res) => {
      if (!images?.(req, res)) app(req, res);
    },
  );
  if (connectionsPerAddress > 0) capConnectionsPerAddress(server, connectionsPerAddress);
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolveListen();
    });
  });
}

/** Stop accepting, let in-flight requests finish within the timeout, then cut what is left. */
export async function drain(server: Server, timeoutMs: number): Promise<void> {
  const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
  // Keep-alive connections that finish a request while draining are closed as they go idle.
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  try {
    await closed;
  } finally {
    clearTimeout(timer);
    clearInterval(idle);
  }
}
