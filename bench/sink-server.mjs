// The peer for bench:upload: the least an upload endpoint can do — hash the streamed body
// with SHA-256 while writing it to a file — in plain node:http, no framework, no validation.
import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const [port, dir] = [Number(process.argv[2]), process.argv[3]];
await mkdir(dir, { recursive: true });
const server = createServer(async (req, res) => {
  if (req.method === 'GET') return res.end('ok');
  const hash = createHash('sha256');
  const path = join(dir, randomUUID());
  const tap = new Transform({ transform(chunk, _e, done) { hash.update(chunk); done(null, chunk); } });
  try {
    await pipeline(req, tap, createWriteStream(path, { flush: true }));
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sha256: hash.digest('hex') }));
  } catch {
    // A client that disconnects mid-body (the load generator stopping) is not the server's failure.
    res.destroy();
  } finally {
    await rm(path, { force: true });
  }
});
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
