import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestKey } from '../../services/storage/keys.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

/**
 * Defect 8: a Redis stall longer than the 5 s command timeout during an upload's commit gave
 * the client 503 while the commit went through later, and the upload had deleted its manifest,
 * so the image sat in Redis with no truth in storage. The outcome of a timed-out commit is
 * unknown: the manifest must stay, and a retry must find the image.
 */
let t: TestService;
beforeAll(async () => {
  t = await startTestService();
});
afterAll(async () => {
  await t?.stop();
});

describe('an upload whose commit stalls past the command timeout', () => {
  it('keeps its manifest, and the image is found (and made ready) once Redis wakes up', async () => {
    const bytes = jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'stall');
    // Writes (the commit script among them) wait 7 s; reads go on, so the lookups before it pass.
    await t.redis.client.client('PAUSE', 7000, 'WRITE');
    const reply = await uploadBytes(t.url, bytes, 'image/jpeg');
    expect([201, 503]).toContain(reply.status);
    await new Promise((r) => setTimeout(r, 7_500));
    const retry = await uploadBytes(t.url, bytes, 'image/jpeg');
    expect(retry.status).toBe(200);
    const id = String(retry.body.id);
    if (reply.status === 201) expect(reply.body.id).toBe(id);
    expect(await t.service.store.head(manifestKey(id))).toBeDefined();
    expect((await waitForStatus(t.url, id, ['ready', 'failed'], 30_000)).status).toBe('ready');
  }, 60_000);
});
