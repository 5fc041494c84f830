import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inspectSource } from '../imaging/source-info.js';
import { runTransform } from '../imaging/run-transform.js';
import { corpusPath } from '../../test/helpers/corpus.js';
import { probeImage, type ProbeLimits } from './probe-image.js';

const limits = (validation: 'full' | 'header'): ProbeLimits => ({ maxPixels: 1e8, maxFrames: 1000, maxAnimationPixels: 5e7, timeoutSeconds: 10, validation });
let dir: string;
let photo: Buffer;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'imgsvc-probe-'));
  photo = await readFile(corpusPath('photos/starfish.jpg'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function probe(bytes: Buffer, validation: 'full' | 'header') {
  const path = join(dir, `f-${Math.random()}`);
  await writeFile(path, bytes);
  return probeImage(path, bytes.subarray(0, 64), limits(validation));
}

describe('probeImage', () => {
  it.each(['full', 'header'] as const)('%s: accepts a whole photo with its displayed size', async (mode) => {
    expect(await probe(photo, mode)).toMatchObject({ format: 'jpeg', width: 1278, height: 720 });
  });

  it.each(['full', 'header'] as const)('%s: refuses a JPEG cut off before its end', async (mode) => {
    await expect(probe(photo.subarray(0, photo.length / 2), mode)).rejects.toMatchObject({ status: 422, code: 'corrupt_image' });
  });

  it('header: lets a scan that stops short before an EOI through, and the transform refuses it', async () => {
    // The hostile case: half the entropy data, then EOI. Only a full decode can tell.
    const cut = Buffer.concat([photo.subarray(0, photo.length / 2), Buffer.from([0xff, 0xd9])]);
    await expect(probe(cut, 'full')).rejects.toMatchObject({ code: 'corrupt_image' });
    await probe(cut, 'header');
    const info = await inspectSource(cut, { maxPixels: 1e8 });
    const spec = { format: 'webp' as const, width: 50, quality: 85, animated: false };
    await expect(runTransform(cut, info, [spec], { maxPixels: 1e8, timeoutSeconds: 10 }, { placeholder: true })).rejects.toThrow(/premature|corrupt|Vips/i);
  });
});
