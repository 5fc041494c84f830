import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Telemetry } from '../services/telemetry/telemetry.js';

/**
 * /healthz (the process is alive), /readyz (caches synced, or standing by as a non-leader, which
 * is a healthy state), /metrics. No Express: three routes.
 */
export async function startOperatorServer(host: string, port: number, telemetry: Telemetry, state: () => { ready: boolean; leader: boolean }): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/metrics') return telemetry.handleScrape(req, res);
    const json = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path === '/readyz') {
      const s = state();
      return json(s.ready ? 200 : 503, { status: s.ready ? 'ready' : 'not_ready', leader: s.leader });
    }
    json(404, { error: 'not_found', message: `no route for ${path}` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}` };
}
