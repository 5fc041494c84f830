import { readFile } from 'node:fs/promises';
import { get } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shaToB64 } from '../../services/core/ids.js';
import { manifestKey } from '../../services/storage/keys.js';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startSecondPod } from '../helpers/second-pod.js';
import { BACKENDS, startTestService, storedKeys, type TestService } from '../helpers/service.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';
import { waitForStatus } from '../helpers/wait-for.js';
import { createLogger } from '../../services/core/logger.js';
import { ImageIndex } from '../../services/images/image-index.js';
import { eraseImage } from '../../services/sharing/erase-image.js';
import { eraseSweep } from '../../services/sharing/erase-sweep.js';
import type { ObjectStore } from '../../services/storage/object-store.js';

const NO_LIMITS = { IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_AUTH_FAILURES: 'off' };

describe.each(BACKENDS)('image lifecycle with %s storage', (backend) => {
  let t: TestService;
  let alice: TestUser;
  let bob: TestUser;
  let jpeg: Buffer;
  let n = 0;
  const up = async (user: TestUser, query = '', bytes?: Buffer) => {
    const r = await uploadBytes(t.url, bytes ?? jpegVariant(jpeg, `${backend}-${n++}`), 'image/jpeg', user.key, query);
    if (r.status !== 201 && r.status !== 200) throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown> & { id: string; etag: string };
  };
  const objectsOf = async (id: string, sha: string) => {
    const keys = await storedKeys(t);
    return keys.filter((k) => (k.includes(id) || k.includes(sha)) && !k.startsWith('tombstones/'));
  };

  beforeAll(async () => {
    // 10 s in the trash: long enough for the trash tests' dozen requests on a loaded machine (at 3 s the sweep erased the image mid-test), short enough to watch it happen.
    t = await startTestService({ ...NO_LIMITS, IMGSVC_ERASE_AFTER: '10', IMGSVC_ERASE_SWEEP_SECONDS: '1' }, backend);
    jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
    alice = await createUser(t.url, t.adminKey, 'alice');
    bob = await createUser(t.url, t.adminKey, 'bob');
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('metadata', () => {
    it('is set at upload, edited with If-Match, and survives FLUSHALL + reindex', async () => {
      const form = new FormData();
      form.append('title', '  Tower at dusk ');
      form.append('tags', 'Tower, dusk,TOWER');
      form.append('lat', '48.8584');
      form.append('lon', '2.2945');
      form.append('place', 'Paris');
      form.append('takenAt', '2026-07-14T18:30:00Z');
      form.append('file', new Blob([jpegVariant(jpeg, `${backend}-meta`)]), 'Tour Eiffel – été.jpg');
      const res = await fetch(`${t.url}/v1/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${alice.key}` } });
      const made = (await res.json()) as Record<string, unknown> & { id: string; etag: string };
      expect(res.status, JSON.stringify(made)).toBe(201);
      expect(made).toMatchObject({ title: 'Tower at dusk', tags: ['Tower', 'dusk'], location: { lat: 48.8584, lon: 2.2945, place: 'Paris' }, takenAt: '2026-07-14T18:30:00Z', originalFilename: 'Tour Eiffel – été.jpg' });
      await waitForStatus(t.url, made.id, ['ready']);
      const current = await api(t.url, 'GET', `/v1/images/${made.id}`, alice.key);
      const etag = current.headers.get('etag')!;
      const edit = async (body: unknown, ifMatch?: string) =>
        fetch(`${t.url}/v1/images/${made.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'application/json', ...(ifMatch ? { 'if-match': ifMatch } : {}) }, body: JSON.stringify(body) });
      const first = await edit({ description: 'Line one\nline two', tags: ['tower', 'night'] }, etag);
      expect(first.status).toBe(200);
      const lost = await edit({ title: 'stale' }, etag);
      expect(lost.status).toBe(412);
      expect(((await lost.json()) as { error: { code: string } }).error.code).toBe('edit_conflict');
      expect((await edit({ location: null }, first.headers.get('etag')!)).status).toBe(200);
      const original = await fetch(`${t.url}/v1/images/${made.id}/original`, { headers: { authorization: `Bearer ${alice.key}` } });
      await original.arrayBuffer();
      expect(original.headers.get('content-disposition')).toContain("filename*=UTF-8''Tour%20Eiffel%20%E2%80%93%20%C3%A9t%C3%A9.jpg");

      await t.redis.client.flushall();
      const run = spawnImgsvc(['reindex'], { cwd: t.dataDir, env: t.env });
      expect((await run.exited).code).toBe(0);
      await new Promise((r) => setTimeout(r, 5_500));
      expect((await api(t.url, 'GET', `/v1/images/${made.id}`, alice.key)).body).toMatchObject({ title: 'Tower at dusk', description: 'Line one\nline two', tags: ['tower', 'night'], location: null });
      const byTag = await api(t.url, 'GET', '/v1/images?tag=NIGHT', alice.key);
      expect((byTag.body.items as { id: string }[]).map((i) => i.id)).toEqual([made.id]);
    });

    const bad: [string, unknown, number, string][] = [
      ['a title over 200 characters', { title: 'x'.repeat(201) }, 400, 'invalid_body'],
      ['a title with a control character', { title: 'a\u0007b' }, 400, 'invalid_body'],
      ['a description over 5,000 characters', { description: 'x'.repeat(5001) }, 400, 'invalid_body'],
      ['51 tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 400, 'invalid_body'],
      ['a tag over 64 characters', { tags: ['x'.repeat(65)] }, 400, 'invalid_body'],
      ['a latitude of 91', { location: { lat: 91, lon: 0 } }, 400, 'invalid_body'],
      ['a longitude of -181', { location: { lat: 0, lon: -181 } }, 400, 'invalid_body'],
      ['a date that is not one', { takenAt: 'yesterday' }, 400, 'invalid_body'],
      ['an unknown field', { owner: 'me' }, 400, 'invalid_body'],
    ];
    it.each(bad)('refuses %s and changes nothing', async (_name, body, status, code) => {
      const img = await up(alice);
      const before = await api(t.url, 'GET', `/v1/images/${img.id}`, alice.key);
      const res = await api(t.url, 'PATCH', `/v1/images/${img.id}`, alice.key, body);
      expect(res.status).toBe(status);
      expect((res.body.error as { code: string }).code).toBe(code);
      expect((await api(t.url, 'GET', `/v1/images/${img.id}`, alice.key)).body.etag).toBe(before.body.etag);
    });

    it('refuses bad metadata at upload before reading the body', async () => {
      const res = await uploadBytes(t.url, jpegVariant(jpeg, 'bad-meta'), 'image/jpeg', alice.key, '?lat=95&lon=0');
      expect(res.status).toBe(400);
      expect((res.body.error as { code: string }).code).toBe('invalid_metadata');
    });
  });

  describe('listing', () => {
    it('pages newest first with cursors that never duplicate or skip, while uploads and deletes interleave', async () => {
      const owner = await createUser(t.url, t.adminKey, `pager-${backend}`);
      const ids: string[] = [];
      for (let i = 0; i < 24; i++) ids.push((await up(owner, i % 3 === 0 ? '?visibility=private' : '')).id);
      let seed = 42;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (const direction of ['after', 'before'] as const) {
        const deleted = new Set<string>();
        const seen: string[] = [];
        // Start from the newest (after) or from a cursor past the oldest (before).
        let page = await api(t.url, 'GET', '/v1/images?limit=5', owner.key);
        if (direction === 'before') {
          while (page.body.nextCursor) page = await api(t.url, 'GET', `/v1/images?limit=5&after=${String(page.body.nextCursor)}`, owner.key);
        }
        const startIds = new Set((await listAll(owner)).map((i) => i));
        for (;;) {
          for (const item of page.body.items as { id: string }[]) seen.push(item.id);
          // Interleave: a new upload at the head, and the deletion of a random image.
          if (random() < 0.5) await up(owner);
          if (random() < 0.5) {
            const victim = ids[Math.floor(random() * ids.length)]!;
            if (!deleted.has(victim) && (await api(t.url, 'DELETE', `/v1/images/${victim}`, owner.key)).status === 200) deleted.add(victim);
          }
          const cursor = direction === 'after' ? page.body.nextCursor : page.body.prevCursor;
          if (!cursor) break;
          page = await api(t.url, 'GET', `/v1/images?limit=5&${direction}=${String(cursor)}`, owner.key);
          expect(page.status).toBe(200);
        }
        expect(new Set(seen).size).toBe(seen.length);
        for (const id of startIds) if (!deleted.has(id)) expect(seen).toContain(id);
        for (const id of deleted) await api(t.url, 'POST', `/v1/images/${id}/restore`, owner.key);
      }
      const publicOnly = await api(t.url, 'GET', `/v1/images?owner=${owner.id}&limit=200`, bob.key);
      expect((publicOnly.body.items as { visibility: string }[]).every((i) => i.visibility === 'public')).toBe(true);
      expect((publicOnly.body.items as unknown[]).length).toBeGreaterThan(0);
    });

    async function listAll(user: TestUser): Promise<string[]> {
      const out: string[] = [];
      let cursor: unknown;
      do {
        const page = await api(t.url, 'GET', `/v1/images?limit=200${cursor ? `&after=${String(cursor)}` : ''}`, user.key);
        out.push(...(page.body.items as { id: string }[]).map((i) => i.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      return out;
    }

    it('refuses tampered cursors and cursors from another query', async () => {
      await up(alice);
      await up(alice);
      const first = await api(t.url, 'GET', '/v1/images?limit=1', alice.key);
      const cursor = String(first.body.nextCursor);
      expect((await api(t.url, 'GET', `/v1/images?limit=1&after=${cursor}`, alice.key)).status).toBe(200);
      const flipped = `${cursor.slice(0, 5)}${cursor[5] === 'A' ? 'B' : 'A'}${cursor.slice(6)}`;
      for (const bad of [flipped, 'garbage', `${cursor}.x`, encodeURIComponent(cursor.split('.')[0]!)]) {
        const res = await api(t.url, 'GET', `/v1/images?limit=1&after=${bad}`, alice.key);
        expect(res.status).toBe(400);
        expect((res.body.error as { code: string }).code).toBe('invalid_cursor');
      }
      expect((await api(t.url, 'GET', `/v1/images?limit=1&tag=x&after=${cursor}`, alice.key)).status).toBe(400);
      expect((await api(t.url, 'GET', `/v1/images?limit=1&before=${cursor}`, alice.key)).status).toBe(400);
      expect((await api(t.url, 'GET', `/v1/images?owner=${bob.id}&limit=1&after=${cursor}`, alice.key)).status).toBe(400);
      expect((await api(t.url, 'GET', '/v1/images?limit=500', alice.key)).status).toBe(400);
      expect((await api(t.url, 'GET', '/v1/images?status=sideways', alice.key)).status).toBe(400);
      expect((await api(t.url, 'GET', '/v1/images?status=ready&limit=200', alice.key)).body.items).toSatisfy((items: { status: string }[]) => items.every((i) => i.status === 'ready'));
    });
  });

  describe('deletion', () => {
    it('hides an image at once, lists it in the trash, restores it, and answers twice-deleted with 404', async () => {
      const img = await up(alice, '?visibility=public');
      await waitForStatus(t.url, img.id, ['ready']);
      const del = await api(t.url, 'DELETE', `/v1/images/${img.id}`, alice.key);
      expect(del.status).toBe(200);
      for (const path of [`/v1/images/${img.id}`, `/i/${img.id}`, `/i/${img.id}/thumb`, `/v1/images/${img.id}/srcset`, `/v1/images/${img.id}/original`]) {
        expect((await api(t.url, 'GET', path, alice.key)).status).toBe(404);
        expect((await api(t.url, 'GET', path, undefined)).status).toBe(404);
      }
      expect((await api(t.url, 'DELETE', `/v1/images/${img.id}`, alice.key)).status).toBe(404);
      const trash = await api(t.url, 'GET', '/v1/trash', alice.key);
      expect((trash.body.items as { id: string; eraseAt: string }[]).find((i) => i.id === img.id)?.eraseAt).toBeDefined();
      expect((await api(t.url, 'POST', `/v1/images/${img.id}/restore`, bob.key)).status).toBe(404);
      expect((await api(t.url, 'POST', `/v1/images/${img.id}/restore`, alice.key)).status).toBe(200);
      expect((await api(t.url, 'GET', `/i/${img.id}`, undefined)).status).toBe(200);
      expect((await api(t.url, 'POST', `/v1/images/${img.id}/restore`, alice.key)).status).toBe(404);
    });

    it('purges for good: nothing of the image is left in storage, a tombstone is, and the same bytes upload anew', async () => {
      const bytes = jpegVariant(jpeg, `${backend}-purge`);
      const img = await up(alice, '', bytes);
      await waitForStatus(t.url, img.id, ['ready']);
      await fetch(`${t.url}/i/${img.id}?w=100&fmt=webp`).then((r) => r.arrayBuffer());
      expect((await objectsOf(img.id, String(img.sha256))).length).toBeGreaterThan(2);
      expect((await api(t.url, 'DELETE', `/v1/images/${img.id}?purge=true`, bob.key)).status).toBe(403);
      const purged = await api(t.url, 'DELETE', `/v1/images/${img.id}?purge=true`, alice.key);
      expect(purged.status).toBe(200);
      expect(purged.body.erasedAt).toBeDefined();
      expect(await objectsOf(img.id, String(img.sha256))).toEqual([]);
      // Analytics still buffered when it was erased are deleted again by the next sweep.
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && (await t.redis.client.keys(`*${img.id}*`)).some((k) => !k.endsWith('recently-erased'))) await new Promise((r) => setTimeout(r, 200));
      expect((await t.redis.client.keys(`*${img.id}*`)).filter((k) => !k.includes('recently-erased'))).toEqual([]);
      // The bytes' hash names the sha256 in base64url (redis/keys.ts): neither form may remain.
      for (const form of [String(img.sha256), shaToB64(String(img.sha256))]) expect(await t.redis.client.keys(`*${form}*`)).toEqual([]);
      expect((await api(t.url, 'POST', `/v1/images/${img.id}/restore`, alice.key)).status).toBe(410);
      expect((await api(t.url, 'POST', `/v1/images/${img.id}/restore`, bob.key)).status).toBe(404);
      const again = await up(alice, '', bytes);
      expect(again.id).not.toBe(img.id);
      expect(again.sha256).toBe(img.sha256);
    });

    it('keeps bytes another owner still uses', async () => {
      const bytes = jpegVariant(jpeg, `${backend}-shared`);
      const mine = await up(alice, '', bytes);
      const theirs = await up(bob, '', bytes);
      await waitForStatus(t.url, mine.id, ['ready']);
      await api(t.url, 'DELETE', `/v1/images/${mine.id}?purge=true`, alice.key);
      expect((await fetch(`${t.url}/i/${theirs.id}`)).status).toBe(200);
      expect(await t.service.store.head(`originals/${String(bytes.length ? theirs.sha256 : '').slice(0, 2)}/${String(theirs.sha256)}`)).toBeDefined();
    });

    it('finishes an erase that died half-way (every step is idempotent, the manifest goes last)', async () => {
      const img = await up(alice);
      await waitForStatus(t.url, img.id, ['ready']);
      await fetch(`${t.url}/i/${img.id}?w=64&fmt=webp`).then((r) => r.arrayBuffer());
      const deps = { redis: t.redis.client, index: new ImageIndex(t.redis.client), store: t.service.store, bus: undefined, logger: createLogger('silent'), analyticsRetentionDays: 30 };
      // The process "dies" at its third object delete: nothing after it runs.
      let deletes = 0;
      const dying: ObjectStore = new Proxy(t.service.store, {
        get: (target, prop, receiver) =>
          prop === 'delete'
            ? async (key: string) => {
                if (++deletes === 3) throw new Error('killed');
                return target.delete(key);
              }
            : (Reflect.get(target, prop, receiver) as unknown),
      });
      const record = await api(t.url, 'DELETE', `/v1/images/${img.id}`, alice.key);
      expect(record.status).toBe(200);
      const deleted = (await deps.index.get(img.id))!;
      await expect(eraseImage(deleted, { ...deps, store: dying })).rejects.toThrow('killed');
      expect(await t.service.store.head(manifestKey(img.id))).toBeDefined();
      expect((await objectsOf(img.id, String(img.sha256))).length).toBeGreaterThan(0);
      // The next sweep (here with no waiting period) finishes it; the service's own sweep may
      // hold the sweep lock for a moment, so try until one of them has.
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && (await objectsOf(img.id, String(img.sha256))).length > 0) {
        await eraseSweep({ ...deps, eraseAfterSeconds: 0 });
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await objectsOf(img.id, String(img.sha256))).toEqual([]);
    });

    it('erases by itself after IMGSVC_ERASE_AFTER', async () => {
      const img = await up(alice);
      await waitForStatus(t.url, img.id, ['ready']);
      await api(t.url, 'DELETE', `/v1/images/${img.id}`, alice.key);
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && (await t.service.store.head(manifestKey(img.id)))) await new Promise((r) => setTimeout(r, 200));
      expect(await t.service.store.head(manifestKey(img.id))).toBeUndefined();
      expect(await objectsOf(img.id, String(img.sha256))).toEqual([]);
    });
  });
});

describe('across pods', () => {
  let t: TestService;
  let pod: Awaited<ReturnType<typeof startSecondPod>> | undefined;
  beforeAll(async () => {
    t = await startTestService(NO_LIMITS);
    pod = await startSecondPod(t, 'all', NO_LIMITS);
  });
  afterAll(async () => {
    await pod?.stop();
    await t?.stop();
  });

  it('a deletion answers 404 on the other origin within a second', async () => {
    const bytes = jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'pods-delete');
    const img = (await uploadBytes(t.url, bytes, 'image/jpeg', t.adminKey)).body as { id: string };
    await waitForStatus(t.url, img.id, ['ready']);
    expect((await fetch(`${pod!.url}/i/${img.id}`)).status).toBe(200);
    expect((await fetch(`${pod!.url}/i/${img.id}`)).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/images/${img.id}`, t.adminKey)).status).toBe(200);
    const started = Date.now();
    while ((await fetch(`${pod!.url}/i/${img.id}`)).status !== 404) {
      if (Date.now() - started > 3000) throw new Error('still served after 3 s');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(Date.now() - started).toBeLessThanOrEqual(1000);
  });

  it('allows one full-resolution download per user at a time across pods, freed when the client goes away', async () => {
    // Big enough that loopback socket buffers cannot take it all while the client is not reading.
    const big = await readFile(corpusPath('photos/Elephants_5640x3172.jpg'));
    const img = (await uploadBytes(t.url, big, 'image/jpeg', t.adminKey)).body as { id: string };
    const url = (base: string) => `${base}/v1/images/${img.id}/original`;
    // A slow client: reads the headers, then stops reading, so the stream stays open.
    const slow = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = get(url(t.url), { headers: { authorization: `Bearer ${t.adminKey}` } }, resolve);
      req.on('error', reject);
    });
    expect(slow.statusCode).toBe(200);
    slow.pause();
    const second = await fetch(url(pod!.url), { headers: { authorization: `Bearer ${t.adminKey}` } });
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    // Thumbnails are never limited.
    expect((await fetch(`${pod!.url}/i/${img.id}/thumb`, { headers: { authorization: `Bearer ${t.adminKey}` } })).status).toBe(200);
    slow.destroy();
    const started = Date.now();
    let status = 0;
    while (Date.now() - started < 5000) {
      const res = await fetch(url(pod!.url), { headers: { authorization: `Bearer ${t.adminKey}` } });
      await res.arrayBuffer();
      status = res.status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe(200);
  });
});
