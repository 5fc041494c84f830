import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { parseUploadFlags, runUpload } from './upload-command.js';
import { uploadOne } from './upload-one.js';

/** A stand-in service that refuses the first uploads with 429/503 and Retry-After, then accepts. */
let dir: string;
let base: string;
let server: ReturnType<typeof createServer>;
const seen: { method: string; url: string; bytes: number }[] = [];
let refusals: { status: number; retryAfter?: string }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-upload-one-'));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', bytes });
      if (req.method === 'HEAD') return res.writeHead(404).end();
      const refusal = refusals.shift();
      if (refusal) return res.writeHead(refusal.status, refusal.retryAfter ? { 'retry-after': refusal.retryAfter } : {}).end('{"error":{"code":"busy","message":"later"}}');
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: '01TEST', url: 'http://x/i/01TEST' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('uploadOne', () => {
  it('retries 429 and 503, waiting what Retry-After says, and counts the bytes once', async () => {
    const file = join(dir, 'a.jpg');
    await writeFile(file, Buffer.alloc(10_000, 7));
    refusals = [{ status: 429, retryAfter: '2' }, { status: 503 }];
    seen.length = 0;
    const waits: number[] = [];
    let onBar = 0;
    const result = await uploadOne(file, 10_000, { base, key: 'k', query: { visibility: 'private' }, sleep: async (ms) => void waits.push(ms) }, { onBytes: (n) => (onBar += n), onAlreadyStored: () => {} });
    expect(result).toMatchObject({ status: 'created', id: '01TEST', bytes: 10_000 });
    expect(seen.map((s) => s.method)).toEqual(['HEAD', 'POST', 'POST', 'POST']);
    expect(seen.filter((s) => s.method === 'POST').map((s) => s.bytes)).toEqual([10_000, 10_000, 10_000]);
    expect(seen[1]!.url).toBe('/v1/images?visibility=private&filename=a.jpg');
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeGreaterThanOrEqual(750);
    expect(onBar).toBe(10_000);
  });

  it('gives up after the last attempt with the reason', async () => {
    const file = join(dir, 'b.png');
    await writeFile(file, Buffer.alloc(100, 1));
    refusals = Array(10).fill({ status: 503, retryAfter: '0' });
    const result = await uploadOne(file, 100, { base, key: 'k', query: {}, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }, { onBytes: () => {}, onAlreadyStored: () => {} });
    expect(result).toMatchObject({ status: 'failed', error: '503 busy: later' });
    refusals = [];
  });
});

describe('parseUploadFlags', () => {
  it('collects every problem', () => {
    expect(parseUploadFlags({ url: 'ftp://x', concurrency: '0', visibility: 'secret' }, {})).toEqual({
      problems: [
        'expected an http(s) URL for --url but received "ftp://x"',
        'expected an integer from 1 to 64 for --concurrency but received "0"',
        'expected "public" or "private" for --visibility but received "secret"',
      ],
    });
  });
  it('defaults to the local service and IMGSVC_URL', () => {
    expect(parseUploadFlags({}, {})).toEqual({ base: 'http://127.0.0.1:8080', concurrency: 4, query: {}, resumableAbove: 8 * 1024 * 1024 });
    expect(parseUploadFlags({ tags: 'a,b' }, { IMGSVC_URL: 'https://img.example.com/' })).toEqual({ base: 'https://img.example.com', concurrency: 4, query: { tags: 'a,b' }, resumableAbove: 8 * 1024 * 1024 });
  });
});

describe('runUpload', () => {
  it('stops sending once the service is unreachable through all retries, reporting every file', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    for (const name of ['c1.jpg', 'c2.jpg', 'c3.jpg']) await writeFile(join(dir, name), Buffer.from(name));
    const stdout = Object.assign(new PassThrough(), { isTTY: false });
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await runUpload(['c1.jpg', 'c2.jpg', 'c3.jpg'].map((n) => join(dir, n)), { url, key: 'k', concurrency: '1' }, {}, { stdout, stderr }, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 });
    expect(code).toBe(1);
    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { status: string; error: string });
    expect(lines.map((l) => l.status)).toEqual(['failed', 'failed', 'failed']);
    expect(lines[0]!.error).toBe('network: ECONNREFUSED');
    expect(lines[1]!.error).toBe(`not sent: ${url} unreachable (network: ECONNREFUSED)`);
    expect(err).toMatch(/0 uploaded, 0 already there, 0 skipped, 3 failed/);
  });
});
