import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { eventually } from '../helpers/eventually.js';
import { uploadBytes } from '../helpers/http.js';
import { rawRequest, uploadHead, type RawExchange } from '../helpers/raw-http.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Defect 11: a stalled upload body held a temp file and two descriptors for minutes, and any number could. */
let jpeg: Buffer;
beforeAll(async () => {
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
});

const tmpFiles = (t: TestService) => readdir(join(t.dataDir, 'tmp'));
const statusOf = (x: RawExchange) => /^HTTP\/1\.1 (\d{3})/.exec(x.received())?.[1];

describe('a body that stops arriving', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ IMGSVC_UPLOAD_IDLE_TIMEOUT_MS: '500' });
  });
  afterAll(() => t.stop());

  it.each([
    ['a raw body', 'image/jpeg'],
    ['a multipart form', 'multipart/form-data; boundary=xyz'],
  ])('is cut off with 408 after the idle timeout: %s, temp file removed, socket closed', async (_name, contentType) => {
    const body = contentType.startsWith('multipart/')
      ? Buffer.concat([Buffer.from('--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'), jpeg.subarray(0, 20_000)])
      : jpeg.subarray(0, 20_000);
    const x = await rawRequest(t.url, uploadHead(jpeg.length + 1_000, contentType, t.adminKey), body);
    // The partial body is on disk while the client is silent...
    await eventually(async () => expect(await tmpFiles(t)).toHaveLength(1), 5_000);
    // ...until the idle timeout: then a 408, a closed connection and no temp file.
    await Promise.race([x.closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`still open; received ${JSON.stringify(x.received())}`)), 15_000))]);
    expect(statusOf(x)).toBe('408');
    expect(x.received()).toContain('"code":"upload_timeout"');
    expect(x.received().toLowerCase()).toContain('connection: close');
    await eventually(async () => expect(await tmpFiles(t)).toEqual([]), 5_000);
  });

  it('also catches a client that sends headers and then nothing', async () => {
    const x = await rawRequest(t.url, uploadHead(50_000, 'image/jpeg', t.adminKey));
    await Promise.race([x.closed, new Promise((_, reject) => setTimeout(() => reject(new Error('still open')), 15_000))]);
    expect(statusOf(x)).toBe('408');
    expect(await tmpFiles(t)).toEqual([]);
  });

  it('leaves a client that keeps sending alone', async () => {
    const up = await uploadBytes(t.url, jpeg, 'image/jpeg');
    expect(up.status).toBe(201);
  });
});

describe('concurrent uploads past IMGSVC_MAX_CONCURRENT_UPLOADS', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ IMGSVC_MAX_CONCURRENT_UPLOADS: '2', IMGSVC_UPLOAD_IDLE_TIMEOUT_MS: '60000' });
  });
  afterAll(() => t.stop());

  it('get 503 with Retry-After before any file is opened, and the slots come back when uploads end', async () => {
    const stalled = await Promise.all([1, 2].map(() => rawRequest(t.url, uploadHead(jpeg.length, 'image/jpeg', t.adminKey), jpeg.subarray(0, 10_000))));
    await eventually(async () => expect(await tmpFiles(t)).toHaveLength(2), 5_000);

    const third = await rawRequest(t.url, uploadHead(jpeg.length, 'image/jpeg', t.adminKey), jpeg.subarray(0, 10_000));
    await Promise.race([third.closed, new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer: ${third.received()}`)), 15_000))]);
    expect(statusOf(third)).toBe('503');
    expect(third.received()).toMatch(/\r\nretry-after: \d+\r\n/i);
    expect(third.received()).toContain('"code":"too_many_uploads"');
    expect(await tmpFiles(t)).toHaveLength(2);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/imgsvc_uploads_total\{[^}]*reason="too_many_uploads"[^}]*\} 1/);

    for (const x of stalled) x.socket.destroy();
    await eventually(async () => expect(await tmpFiles(t)).toEqual([]), 5_000);
    const after = await uploadBytes(t.url, jpeg, 'image/jpeg');
    expect(after.status).toBe(201);
  });
});
