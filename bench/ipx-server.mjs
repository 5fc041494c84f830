// The peer for bench:cold-path: ipx (unjs, sharp-based) serving a folder over node:http.
// URLs look like /w_640,f_webp,q_80/<file>. ipx has no result cache: every request transforms.
import { createServer } from 'node:http';
import { createIPX, createIPXNodeServer, ipxFSStorage } from 'ipx';

const [port, dir] = [Number(process.argv[2]), process.argv[3]];
const ipx = createIPX({ storage: ipxFSStorage({ dir }) });
const handler = createIPXNodeServer(ipx);
const server = createServer((req, res) => (req.url === '/health' ? res.end('ok') : handler(req, res)));
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
