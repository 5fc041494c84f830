import { access, mkdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';

let t: TestService;
beforeAll(async () => {
  t = await startTestService({
    IMGSVC_TEMP_SWEEP_INTERVAL_SECONDS: '1',
    IMGSVC_REPAIR_INTERVAL_SECONDS: '1',
    IMGSVC_ORPHAN_SAFE_AGE_SECONDS: '60',
  });
});
afterAll(async () => {
  await t.stop();
});

const exists = (path: string) => access(path).then(() => true, () => false);

/** Writes a file and backdates it two hours, as if a process killed then had left it. */
async function leftover(path: string): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, 'left by a crash');
  const then = new Date(Date.now() - 2 * 3_600_000);
  await utimes(path, then, then);
}

describe('crash leftovers', () => {
  it('sweeps stale temp files of the store and of uploads, periodically, and leaves young ones', async () => {
    const storeTmp = join(t.dataDir, 'objects', '.tmp', 'stale-write');
    const uploadTmp = join(t.dataDir, 'tmp', 'upload-stale');
    const young = join(t.dataDir, 'objects', '.tmp', 'young-write');
    await leftover(storeTmp);
    await leftover(uploadTmp);
    await writeFile(young, 'being written');
    await vi.waitFor(async () => expect([await exists(storeTmp), await exists(uploadTmp)]).toEqual([false, false]), { timeout: 10_000, interval: 100 });
    expect(await exists(young)).toBe(true);
  });

  it('removes an orphaned original past the safe age, never one an image uses', async () => {
    const up = await uploadBytes(t.url, Buffer.concat([await readFile(corpusPath('photos/tower_progressive.jpg')), Buffer.from('leftovers')]));
    expect((await waitForStatus(t.url, up.body.id as string)).status).toBe('ready');
    const sha = up.body.sha256 as string;
    const used = join(t.dataDir, 'objects', 'originals', sha.slice(0, 2), sha);
    const then = new Date(Date.now() - 2 * 3_600_000);
    await utimes(used, then, then);
    const orphanSha = '0f'.repeat(32);
    const orphan = join(t.dataDir, 'objects', 'originals', orphanSha.slice(0, 2), orphanSha);
    await leftover(orphan);

    await vi.waitFor(async () => expect(await exists(orphan)).toBe(false), { timeout: 20_000, interval: 200 });
    expect(await exists(used)).toBe(true);
  });
});
