import { connect, type Socket } from 'node:net';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';

/**
 * Issue 21, item 5: one tenant cannot starve the rest of upload slots or connections. Real
 * sockets, from distinct loopback addresses (127.0.0.2, .3) so each client has its own address.
 */
let t: TestService;
let alice: TestUser;
let mallory: TestUser;
let jpeg: Buffer;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestService({
    IMGSVC_RATE_LIMIT_PER_KEY: 'off',
    IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off',
    IMGSVC_MAX_CONCURRENT_UPLOADS: '8',
    IMGSVC_UPLOADS_PER_KEY: '4',
    IMGSVC_UPLOADS_PER_ADDRESS: '6',
    IMGSVC_UPLOAD_TOTAL_TIMEOUT: '3s',
    IMGSVC_CONNECTIONS_PER_ADDRESS: '40',
  });
  alice = await createUser(t.url, t.adminKey, 'alice');
  mallory = await createUser(t.url, t.adminKey, 'mallory');
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await t?.stop();
});

interface Trickle {
  socket: Socket;
  received: () => string;
  closed: Promise<void>;
}

/** A client that opens an upload of 100 kB and sends a byte now and then: it never goes idle, it never finishes. */
async function trickle(key: string | undefined, from: string, everyMs = 400): Promise<Trickle> {
  const { port } = new URL(t.url);
  const socket = connect({ host: '127.0.0.1', port: Number(port), localAddress: from });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let data = '';
  socket.on('data', (c: Buffer) => (data += c.toString('latin1')));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  if (key !== undefined) {
    socket.write(`POST /v1/images HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${key}\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n`);
    socket.write(jpeg.subarray(0, 64));
    let sent = 64;
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      socket.write(jpeg.subarray(sent, sent + 1));
      sent += 1;
    }, everyMs);
    void closed.then(() => clearInterval(timer));
  }
  return { socket, received: () => data, closed };
}

const statusOf = (text: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);

describe('upload slots', () => {
  it('one key holding its share of trickling uploads does not give another user 503', async () => {
    const key2 = await createKey(t.url, mallory.key, ['images:write', 'images:read']);
    const held: Trickle[] = [];
    for (let i = 0; i < 6; i++) held.push(await trickle(mallory.key, '127.0.0.2'));
    for (let i = 0; i < 4; i++) held.push(await trickle(key2, '127.0.0.2'));
    // The refused ones are answered at once; give a loaded machine a moment to deliver.
    for (let i = 0; i < 50 && held.filter((h) => h.received() !== '').length < 4; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 300));
    const codes = held.map((h) => statusOf(h.received()));
    // Per key: the first key gets 4 of its 6; per address: the second key gets 2 of its 4 before
    // the address's 6 are used (which of them depends on the order the server reads them).
    const admitted = (from: number, to: number) => codes.slice(from, to).filter((c) => c === 0).length;
    expect([admitted(0, 6), admitted(6, 10)]).toEqual([4, 2]);
    expect(codes.filter((c) => c !== 0).every((c) => c === 429)).toBe(true);
    for (const h of held.filter((h) => statusOf(h.received()) === 429)) expect(h.received()).toContain('"too_many_uploads"');
    // Six slots of eight are held: alice, from another address, uploads at once.
    const up = await uploadBytes(t.url, jpegVariant(jpeg, 'fair'), 'image/jpeg', alice.key);
    expect(up.status).toBe(201);
    for (const h of held) h.socket.destroy();
  }, 30_000);

  it('a trickle that never pauses long enough for the idle timeout is cut off by the total limit (408)', async () => {
    const started = Date.now();
    const slow = await trickle(alice.key, '127.0.0.4', 300);
    await Promise.race([slow.closed, new Promise((r) => setTimeout(r, 15_000))]);
    const elapsed = Date.now() - started;
    expect(statusOf(slow.received())).toBe(408);
    expect(slow.received()).toContain('upload_timeout');
    expect(elapsed).toBeGreaterThanOrEqual(2_900);
    expect(elapsed).toBeLessThan(10_000);
  }, 30_000);
});

describe('connections per address', () => {
  it('one client holds at most the cap of idle connections; others are served meanwhile', async () => {
    const tried = 100;
    const idle: Trickle[] = [];
    for (let i = 0; i < tried; i++) idle.push(await trickle(undefined, '127.0.0.3'));
    await new Promise((r) => setTimeout(r, 500));
    let open = 0;
    for (const c of idle) if (!c.socket.destroyed && c.socket.readyState === 'open') open++;
    console.log(`5: one address tried ${tried} idle connections and holds ${open} (IMGSVC_CONNECTIONS_PER_ADDRESS=40)`);
    expect(open).toBe(40);
    const res = await fetch(`${t.url}/healthz`);
    expect(res.status).toBe(200);
    for (const c of idle) c.socket.destroy();
  }, 30_000);
});
