import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * At most `max` open connections per client address: one more is closed as soon as it is
 * accepted, before a byte is read. Without it one client held 20,500 idle keep-alive
 * connections and took the service down until it let go. Behind a proxy or CDN every client
 * is the proxy's address: raise the cap or turn it off (0) there, and let the proxy do this.
 * Returns the live counts, for tests and metrics.
 */
export function capConnectionsPerAddress(server: Server, max: number, onRefused: () => void = () => undefined): Map<string, number> {
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      onRefused();
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
  return open;
}
