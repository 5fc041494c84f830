import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from './fs-store.js';
import { describeObjectStoreContract } from './object-store.contract.js';

describeObjectStoreContract('filesystem', async () => {
  const root = await mkdtemp(join(tmpdir(), 'imgsvc-fs-'));
  return { store: await FsObjectStore.open(root), close: () => rm(root, { recursive: true, force: true }) };
});

describe('FsObjectStore', () => {
  it('leaves no temporary files behind after writes', async () => {
    const root = await mkdtemp(join(tmpdir(), 'imgsvc-fs-'));
    const store = await FsObjectStore.open(root);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`k/${i}`, Buffer.alloc(1000, i))));
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    await rm(root, { recursive: true, force: true });
  });
});
