// The floor for bench:hot-path: a bare node:http server answering every request with the same
// bytes and the same response headers imgsvc sent for the measured hit, precomputed once.
// Usage: node bench/bare-server.mjs <port> <bytes file> <headers json: [[name, value], ...]>
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';

const [port, file, headersFile] = process.argv.slice(2);
const body = readFileSync(file);
const headers = JSON.parse(readFileSync(headersFile, 'utf8')).flat();
createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.url === '/readyz') return res.end('ok');
  res.writeHead(200, headers);
  res.end(body);
}).listen(Number(port), '127.0.0.1');
