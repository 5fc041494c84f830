import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFreePort } from '../../services/redis/free-port.js';
import { api, createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { TOKEN_RE } from '../helpers/auth.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { startTestService, listStored, type TestService } from '../helpers/service.js';
import { spawnImgsvc } from '../helpers/spawn-imgsvc.js';
import { waitForStatus } from '../helpers/wait-for.js';
import { redisKeys } from '../../services/redis/keys.js';
import { everyShard } from '../helpers/shards.js';

/** A user's record and key list (under the user's tag) and the API keys by id. */
async function userAndKeyKeys(): Promise<number> {
  return (await t.redis.client.keys('imgsvc:{u:*}:user')).length + (await t.redis.client.keys('imgsvc:{u:*}:keys')).length + (await t.redis.client.keys('imgsvc:apikey:*')).length;
}

let t: TestService;
let alice: TestUser;
let bob: TestUser;
let jpeg: Buffer;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_AUTH_FAILURES: 'off' });
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  alice = await createUser(t.url, t.adminKey, 'alice');
  bob = await createUser(t.url, t.adminKey, 'bob');
});
afterAll(async () => {
  await t?.stop();
});

describe('bootstrap', () => {
  it('a fresh data folder gets an admin whose key is printed once and kept in a 0600 file', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'imgsvc-boot-'));
    try {
      const port = await findFreePort();
      const start = async () => {
        const s = spawnImgsvc(['serve', '--port', String(port)], { cwd });
        for (let i = 0; i < 200 && !s.output().includes('imgsvc listening'); i++) await new Promise((r) => setTimeout(r, 100));
        return s;
      };
      const first = await start();
      const printed = TOKEN_RE.exec(first.output())?.[0];
      expect(printed).toBeDefined();
      expect(first.output()).toContain('Authorization: Bearer');
      const file = join(cwd, 'data', 'admin-key');
      expect((await readFile(file, 'utf8')).trim()).toBe(printed);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      // The key is never in a log line, only in the one message for the person at the terminal.
      const logLines = first.output().split('\n').filter((l) => l.startsWith('{'));
      expect(logLines.some((l) => l.includes(printed!))).toBe(false);
      const me = await api(`http://127.0.0.1:${port}`, 'GET', '/v1/me', printed);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ handle: 'admin', role: 'admin' });
      first.child.kill('SIGTERM');
      await first.exited;

      const again = await start();
      expect(TOKEN_RE.test(again.output())).toBe(false);
      expect((await api(`http://127.0.0.1:${port}`, 'GET', '/v1/me', printed)).status).toBe(200);
      again.child.kill('SIGTERM');
      await again.exited;
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  });

  it('in Kubernetes takes the first admin key from configuration and writes no file', async () => {
    const key = `imgsvc_00112233aabbccdd_${'k'.repeat(43)}`;
    const k = await startTestService({ IMGSVC_BOOTSTRAP_ADMIN_KEY: key });
    try {
      expect(k.service.bootstrap.token).toBeUndefined();
      expect((await api(k.url, 'GET', '/v1/me', key)).body).toMatchObject({ role: 'admin' });
      expect((await listStored(k)).some((f) => f.includes('admin-key'))).toBe(false);
    } finally {
      await k.stop();
    }
  });
});

describe('owners and dedup', () => {
  it('dedups per owner: the same bytes are one image per owner and one stored original', async () => {
    const bytes = jpegVariant(jpeg, 'cross-owner');
    const a1 = await uploadBytes(t.url, bytes, 'image/jpeg', alice.key);
    const a2 = await uploadBytes(t.url, bytes, 'image/jpeg', alice.key);
    const b1 = await uploadBytes(t.url, bytes, 'image/jpeg', bob.key);
    expect([a1.status, a2.status, b1.status]).toEqual([201, 200, 201]);
    expect(a2.body.id).toBe(a1.body.id);
    expect(b1.body.id).not.toBe(a1.body.id);
    expect(a1.body.ownerId).toBe(alice.id);
    expect(b1.body.ownerId).toBe(bob.id);
    const originals = (await t.service.store.list('originals/')).keys.filter((k) => k.endsWith(String(a1.body.sha256)));
    expect(originals).toHaveLength(1);
  });

  it('applies the owner’s default visibility, and the upload’s choice over it', async () => {
    expect((await api(t.url, 'PATCH', '/v1/me', bob.key, { defaultVisibility: 'private' })).status).toBe(200);
    const byDefault = await uploadBytes(t.url, jpegVariant(jpeg, 'default-private'), 'image/jpeg', bob.key);
    expect(byDefault.body.visibility).toBe('private');
    expect(Object.keys(byDefault.body.signedUrls as object)).toContain('default');
    const form = new FormData();
    form.append('visibility', 'public');
    form.append('file', new Blob([jpegVariant(jpeg, 'form-public')]), 'a.jpg');
    const chosen = await fetch(`${t.url}/v1/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${bob.key}` } });
    expect(((await chosen.json()) as { visibility: string }).visibility).toBe('public');
    await api(t.url, 'PATCH', '/v1/me', bob.key, { defaultVisibility: 'public' });
  });
});

describe('bad input changes nothing and says what is wrong', () => {
  const table: [string, string, string, () => string | undefined, unknown, number, string][] = [
    ['a handle with a control character', 'POST', '/v1/users', () => t.adminKey, { handle: 'ev\u0007il' }, 400, 'invalid_body'],
    ['a handle past the length limit', 'POST', '/v1/users', () => t.adminKey, { handle: 'a'.repeat(33) }, 400, 'invalid_body'],
    ['a display name with a newline', 'POST', '/v1/users', () => t.adminKey, { handle: 'newline', displayName: 'a\nb' }, 400, 'invalid_body'],
    ['a taken handle', 'POST', '/v1/users', () => t.adminKey, { handle: 'alice' }, 409, 'handle_taken'],
    ['an unknown field', 'POST', '/v1/users', () => t.adminKey, { handle: 'fine', isAdmin: true }, 400, 'invalid_body'],
    ['an unknown role', 'POST', '/v1/users', () => t.adminKey, { handle: 'fine', role: 'root' }, 400, 'invalid_body'],
    ['granting yourself', 'PUT', '/v1/me/viewers/ALICE', () => alice.key, undefined, 400, 'cannot_grant_self'],
    ['granting a user that does not exist', 'PUT', '/v1/me/viewers/01ARZ3NDEKTSV4RRFFQ69G5FAV', () => alice.key, undefined, 404, 'user_not_found'],
    // Grants take a handle or an id (issue 22): `nope` could be a handle, so a malformed value is neither.
    ['granting a malformed id', 'PUT', '/v1/me/viewers/NO%20PE!', () => alice.key, undefined, 400, 'invalid_id'],
    ['a key wider than the caller', 'POST', '/v1/keys', () => alice.key, { scopes: ['admin'] }, 403, 'scope_escalation'],
    ['an unknown scope', 'POST', '/v1/keys', () => alice.key, { scopes: ['everything'] }, 400, 'invalid_body'],
    ['a key for another user, not being admin', 'POST', '/v1/keys', () => alice.key, { scopes: ['images:read'], userId: 'BOB' }, 403, 'insufficient_scope'],
    ['a user key with the admin scope, even from an admin', 'POST', '/v1/keys', () => t.adminKey, { scopes: ['admin'], userId: 'BOB' }, 403, 'scope_escalation'],
    ['revoking a key of another user', 'DELETE', '/v1/keys/BOBKEY', () => alice.key, undefined, 404, 'key_not_found'],
    ['a malformed key', 'GET', '/v1/me', () => 'not-a-key', undefined, 401, 'invalid_key'],
    ['an unknown key', 'GET', '/v1/me', () => `imgsvc_0123456789abcdef_${'A'.repeat(43)}`, undefined, 401, 'invalid_key'],
    ['a right id with a wrong secret', 'GET', '/v1/me', () => `${alice.key.slice(0, 24)}${'A'.repeat(43)}`, undefined, 401, 'invalid_key'],
    ['a Bearer of 10 kB of junk', 'GET', '/v1/me', () => 'x'.repeat(10_000), undefined, 401, 'invalid_key'],
    ['another scheme', 'GET', '/v1/me', () => undefined, undefined, 401, 'invalid_authorization'],
    ['a visibility that does not exist', 'PATCH', '/v1/images/IMG', () => alice.key, { visibility: 'secret' }, 400, 'invalid_body'],
    ['an unknown field in PATCH', 'PATCH', '/v1/images/IMG', () => alice.key, { owner: 'BOB' }, 400, 'invalid_body'],
  ];
  let image = '';
  let bobKeyId = '';

  beforeAll(async () => {
    image = String((await uploadBytes(t.url, jpegVariant(jpeg, 'bad-input'), 'image/jpeg', alice.key)).body.id);
    // Let every variant job finish, so storage changes only if a request below changes it.
    for (const key of everyShard(redisKeys.allImages)) for (const id of await t.redis.client.zrange(key, 0, -1)) await waitForStatus(t.url, id, ['ready', 'failed']);
    bobKeyId = (await createKey(t.url, bob.key, ['images:read'])).split('_')[1]!;
  });

  it.each(table)('%s → %s %s', async (_name, method, path, key, body, status, code) => {
    const resolved = path.replace('ALICE', alice.id).replace('BOBKEY', bobKeyId).replace('IMG', image);
    const resolvedBody = body && JSON.parse(JSON.stringify(body).replace('"BOB"', JSON.stringify(bob.id)));
    const before = await listStored(t);
    const keysBefore = (await userAndKeyKeys());
    const k = key();
    const res = await fetch(`${t.url}${resolved}`, {
      method,
      headers: { ...(k ? { authorization: k.startsWith('imgsvc_') || k.length > 100 || k === 'not-a-key' ? `Bearer ${k}` : k } : { authorization: 'Basic YTpi' }), ...(resolvedBody ? { 'content-type': 'application/json' } : {}) },
      ...(resolvedBody ? { body: JSON.stringify(resolvedBody) } : {}),
    });
    const json = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status).toBe(status);
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(5);
    expect(await listStored(t)).toEqual(before);
    expect((await userAndKeyKeys())).toBe(keysBefore);
  });
});

describe('durability', () => {
  it('restores users, keys, grants and owners with imgsvc reindex after FLUSHALL', async () => {
    const id = String((await uploadBytes(t.url, jpegVariant(jpeg, 'durable'), 'image/jpeg', alice.key, '?visibility=private')).body.id);
    await waitForStatus(t.url, id, ['ready'], 60_000);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
    const revoked = await createKey(t.url, alice.key, ['images:read']);
    await api(t.url, 'DELETE', `/v1/keys/${revoked.split('_')[1]}`, alice.key);
    await t.redis.client.flushall();
    const run = spawnImgsvc(['reindex'], { cwd: t.dataDir, env: t.env });
    expect((await run.exited).code).toBe(0);
    expect(run.output()).toMatch(/reindexed \d+ images, \d+ users, \d+ API keys, 1 viewer grants/);
    // Wait out the in-memory caches so every answer below comes from the rebuilt index.
    await new Promise((r) => setTimeout(r, 5_500));
    expect((await api(t.url, 'GET', '/v1/me', alice.key)).body).toMatchObject({ handle: 'alice' });
    expect((await api(t.url, 'GET', '/v1/me', revoked)).status).toBe(401);
    expect((await api(t.url, 'GET', `/v1/images/${id}`, bob.key)).status).toBe(200);
    expect((await api(t.url, 'GET', `/v1/images/${id}`, undefined)).status).toBe(404);
    expect((await api(t.url, 'GET', `/v1/images/${id}`, alice.key)).body).toMatchObject({ ownerId: alice.id, visibility: 'private' });
    expect((await api(t.url, 'POST', '/v1/users', t.adminKey, { handle: 'alice' })).status).toBe(409);
  });
});

describe('the admin CLI', () => {
  const run = async (...args: string[]) => {
    const p = spawnImgsvc(args, { cwd: t.dataDir, env: t.env });
    const { code } = await p.exited;
    return { code, out: p.output() };
  };

  it('creates, lists and disables users and creates, lists and revokes keys on the live store', async () => {
    const made = await run('users', 'create', 'frank', '--display-name', 'Frank F.');
    expect(made.code).toBe(0);
    const frank = JSON.parse(made.out.split('\n').find((l) => l.startsWith('{"id"'))!) as { id: string; handle: string };
    expect(frank.handle).toBe('frank');
    expect((await run('users', 'create', 'frank')).code).toBe(2);
    expect((await run('users', 'create', 'bad\u0001handle')).code).toBe(2);
    expect((await run('users', 'list')).out).toContain('frank');

    const key = await run('keys', 'create', frank.id, '--scopes', 'images:read', '--expires-in', '30d');
    expect(key.code).toBe(0);
    const token = TOKEN_RE.exec(key.out)![0];
    expect((await api(t.url, 'GET', '/v1/me', token)).body).toMatchObject({ handle: 'frank', key: { scopes: ['images:read'] } });
    expect((await run('keys', 'create', frank.id, '--scopes', 'admin')).code).toBe(2);
    const listed = await run('keys', 'list', frank.id);
    expect(listed.out).toContain(token.split('_')[1]);
    expect(listed.out).not.toContain(token.slice(24));

    expect((await run('keys', 'revoke', token.split('_')[1]!)).code).toBe(0);
    expect((await api(t.url, 'GET', '/v1/me', token)).status).toBe(401);
    const second = TOKEN_RE.exec((await run('keys', 'create', frank.id)).out)![0];
    expect((await run('users', 'disable', frank.id)).code).toBe(0);
    expect((await api(t.url, 'GET', '/v1/me', second)).body).toMatchObject({ error: { code: 'user_disabled' } });
  });
});

describe('upgrade from before accounts', () => {
  /** An image of alice's whose manifest is then rewritten as an older version wrote it (no owner, no visibility), and Redis emptied. */
  async function ownerlessImageAfterFlush(tag: string): Promise<{ id: string; key: string }> {
    const id = String((await uploadBytes(t.url, jpegVariant(jpeg, tag), 'image/jpeg', alice.key)).body.id);
    await waitForStatus(t.url, id, ['ready']);
    const key = `manifests/${id}.json`;
    const { ownerId: _o, visibility: _v, ...legacy } = JSON.parse((await t.service.store.getBuffer(key)).toString('utf8')) as Record<string, unknown>;
    await t.service.store.put(key, Buffer.from(JSON.stringify(legacy)));
    await t.redis.client.flushall();
    return { id, key };
  }

  /** The image is the bootstrap admin's, in the index and in its manifest. */
  async function expectAdminOwns({ id, key }: { id: string; key: string }): Promise<void> {
    const admin = (await api(t.url, 'GET', '/v1/me', t.adminKey)).body.id;
    expect((await api(t.url, 'GET', `/v1/images/${id}`, t.adminKey)).body).toMatchObject({ ownerId: admin, visibility: 'public' });
    expect(JSON.parse((await t.service.store.getBuffer(key)).toString('utf8'))).toMatchObject({ ownerId: admin });
  }

  it('gives images without an owner to the bootstrap admin on reindex', async () => {
    const image = await ownerlessImageAfterFlush('legacy');
    const run = spawnImgsvc(['reindex'], { cwd: t.dataDir, env: t.env });
    expect((await run.exited).code).toBe(0);
    await expectAdminOwns(image);
  });

  // The automatic rebuild runs the same steps as `imgsvc reindex` (runtime/rebuild-from-storage.ts);
  // before, only the command gave ownerless images an owner.
  it('gives images without an owner to the bootstrap admin when the service rebuilds its index by itself', async () => {
    const image = await ownerlessImageAfterFlush('legacy-auto');
    // No reindex command: the service notices the lost index and rebuilds it.
    await vi.waitFor(async () => expect(await t.redis.client.exists(redisKeys.indexBuilt)).toBe(1), { timeout: 30_000, interval: 100 });
    await expectAdminOwns(image);
  });
});
