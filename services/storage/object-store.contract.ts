import { createHash, randomBytes } from 'node:crypto';
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidKeyError, ObjectNotFoundError, type ObjectStore } from './object-store.js';

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The behaviour every ObjectStore must have; each implementation's test file runs this suite
 * against a real instance of itself.
 */
export function describeObjectStoreContract(name: string, open: () => Promise<{ store: ObjectStore; close(): Promise<void> }>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let close: () => Promise<void>;
    let scratch: string;

    beforeAll(async () => {
      ({ store, close } = await open());
      scratch = await mkdtemp(join(tmpdir(), 'imgsvc-contract-'));
    });
    afterAll(async () => {
      await close();
      await rm(scratch, { recursive: true, force: true });
    });

    it('puts, heads, gets and deletes an object with its content type and metadata', async () => {
      const body = randomBytes(10_000);
      const info = await store.put('a/b/object.bin', body, { contentType: 'image/png', metadata: { sha256: 'abc', width: '10' } });
      expect(info.size).toBe(body.length);
      const head = await store.head('a/b/object.bin');
      expect(head).toMatchObject({ size: body.length, contentType: 'image/png', metadata: { sha256: 'abc', width: '10' } });
      const got = await store.get('a/b/object.bin');
      expect(got.contentType).toBe('image/png');
      expect((await readAll(got.body)).equals(body)).toBe(true);
      expect((await store.getBuffer('a/b/object.bin')).equals(body)).toBe(true);
      await store.delete('a/b/object.bin');
      expect(await store.head('a/b/object.bin')).toBeUndefined();
      await store.delete('a/b/object.bin');
    });

    it('streams a body in and reads ranges back', async () => {
      const body = randomBytes(256 * 1024);
      await store.put('ranges/x', Readable.from([body.subarray(0, 1000), body.subarray(1000)]));
      const first = await store.get('ranges/x', { start: 0, end: 99 });
      expect((await readAll(first.body)).equals(body.subarray(0, 100))).toBe(true);
      const middle = await store.get('ranges/x', { start: 5000, end: 70_000 });
      expect(middle.size).toBe(body.length);
      expect((await readAll(middle.body)).equals(body.subarray(5000, 70_001))).toBe(true);
    });

    it('moves or copies a local file in with putFile', async () => {
      const path = join(scratch, 'upload');
      const body = randomBytes(5000);
      await writeFile(path, body);
      await store.putFile('files/copied', path);
      expect(existsSync(path)).toBe(true);
      await store.putFile('files/moved', path, { consume: true, contentType: 'image/jpeg' });
      expect(existsSync(path)).toBe(false);
      expect((await store.getBuffer('files/copied')).equals(body)).toBe(true);
      expect(await store.head('files/moved')).toMatchObject({ size: 5000, contentType: 'image/jpeg' });
    });

    it('reports missing keys as ObjectNotFoundError or undefined', async () => {
      await expect(store.get('missing/key')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getBuffer('missing/key')).rejects.toBeInstanceOf(ObjectNotFoundError);
      expect(await store.head('missing/key')).toBeUndefined();
    });

    it.each(['../escape', 'a/../../escape', '/absolute', 'a//b', '.hidden', 'a/.meta/x', 'a\\b', '', 'sp ace'])(
      'refuses the key %j',
      async (key) => {
        await expect(store.put(key, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidKeyError);
        await expect(store.get(key)).rejects.toBeInstanceOf(InvalidKeyError);
      },
    );

    it('lists keys under a prefix in order, a page at a time', async () => {
      const keys = Array.from({ length: 25 }, (_, i) => `list/item-${String(i).padStart(3, '0')}`);
      await Promise.all(keys.map((k) => store.put(k, Buffer.from(k))));
      await store.put('listing-elsewhere/x', Buffer.from('x'));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.list('list/', { cursor, limit: 10 });
        seen.push(...page.keys);
        cursor = page.cursor;
        pages++;
      } while (cursor);
      expect(seen).toEqual(keys);
      expect(pages).toBe(3);
    });

    it('gives concurrent writers of one key a whole object, never a mix', async () => {
      const bodies = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000, i));
      await Promise.all(bodies.map((b) => store.put('race/key', b)));
      const final = await store.getBuffer('race/key');
      expect(final.length).toBe(200_000);
      expect(new Set(final).size).toBe(1);
      const digest = createHash('sha256').update(final).digest('hex');
      expect(bodies.some((b) => createHash('sha256').update(b).digest('hex') === digest)).toBe(true);
    });

    it('answers check() when usable', async () => {
      await expect(store.check()).resolves.toBeUndefined();
    });
  });
}
