import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBudget } from '../core/memory-budget.js';
import type { VariantSpec } from '../core/variant-spec.js';
import { seedOriginal, tempStore } from '../../test/helpers/local-image.js';
import { VariantLoader, type LoaderOptions } from './variant-loader.js';

let local: Awaited<ReturnType<typeof tempStore>>;
beforeAll(async () => {
  local = await tempStore();
});
afterAll(async () => {
  await local.remove();
});

const spec: VariantSpec = { format: 'webp', width: 64, quality: 85, animated: false };

/** A PNG whose header reads fine but whose pixel data does not inflate: it fails in the transform. */
async function undecodablePng(): Promise<Buffer> {
  const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
  const idat = png.indexOf('IDAT');
  const broken = Buffer.from(png);
  broken.fill(0xa5, idat + 40, idat + 400);
  return broken;
}

function loader(failures: string[], overrides: Partial<LoaderOptions> = {}): VariantLoader {
  return new VariantLoader(local.store, {
    hotCacheBytes: 1 << 20,
    transformConcurrency: 1,
    transformQueue: 4,
    limits: { maxPixels: 1e8, timeoutSeconds: 10 },
    budget: new MemoryBudget(2 ** 30),
    failureTtlSeconds: 300,
    onTransformFailure: (_format, reason) => failures.push(reason),
    ...overrides,
  });
}

describe('VariantLoader failed transforms', () => {
  it('remembers a failed transform and answers from memory, without transforming again', async () => {
    const record = await seedOriginal(local.store, await undecodablePng());
    const failures: string[] = [];
    const variants = loader(failures);
    await expect(variants.load(record, spec)).rejects.toMatchObject({ status: 500, code: 'transform_failed' });
    expect(failures).toEqual(['error']);

    const again = await variants.load(record, spec).catch((err: unknown) => err);
    expect(again).toMatchObject({ status: 500, code: 'transform_failed', details: { retryAfterSeconds: 300 } });
    expect(failures).toEqual(['error']); // not attempted a second time

    // Another variant of the same image is its own attempt.
    await expect(variants.load(record, { ...spec, width: 32 })).rejects.toMatchObject({ code: 'transform_failed' });
    expect(failures).toEqual(['error', 'error']);
  });

  it('retries every time when the TTL is 0', async () => {
    const record = await seedOriginal(local.store, await undecodablePng());
    const failures: string[] = [];
    const variants = loader(failures, { failureTtlSeconds: 0 });
    await expect(variants.load(record, spec)).rejects.toMatchObject({ code: 'transform_failed' });
    await expect(variants.load(record, spec)).rejects.toMatchObject({ code: 'transform_failed' });
    expect(failures).toEqual(['error', 'error']);
  });

  it('refuses a transform that needs more than the whole memory budget with a 503', async () => {
    const png = await sharp({ create: { width: 2000, height: 2000, channels: 4, background: '#fff8' } }).png({ progressive: true }).toBuffer();
    const record = await seedOriginal(local.store, png);
    const err = await loader([], { budget: new MemoryBudget(32 * 2 ** 20) }).load(record, spec).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 503, code: 'over_memory_budget' });
  });
});
