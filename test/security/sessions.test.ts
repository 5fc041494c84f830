import { PassThrough } from 'node:stream';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, createUser, type TestUser } from '../helpers/accounts.js';
import { asBrowser, setPassword, signIn, signInRaw, type TestSession } from '../helpers/sessions.js';
import { startTestService, storedKeys, type TestService } from '../helpers/service.js';
import { corpusPath } from '../helpers/corpus.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';

/**
 * Sign-in for people over real HTTP: the cookie's flags, rotation, CSRF both ways, login
 * limits, sign-out everywhere, disabled and deleted users, a Redis wipe, and that a password
 * shows up nowhere (logs, responses, Redis, events, storage).
 */
const PASSWORD = 'tr0ub4dor&3-horse-staple';
const OTHER_PASSWORD = 'another passphrase 42';
let t: TestService;
let alice: TestUser;
let bob: TestUser;
const logs: string[] = [];
/** Every response body the test saw, to look for passwords in. */
const seen: string[] = [];

/** A distinct client address per call (the service trusts one proxy hop in this file). */
let addressCounter = 10;
const fromNewAddress = () => ({ 'x-forwarded-for': `203.0.113.${addressCounter++}` });

beforeAll(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  t = await startTestService(
    { IMGSVC_TRUST_PROXY: '1', IMGSVC_LOGIN_LIMIT_PER_HANDLE: '4/1m', IMGSVC_LOGIN_LIMIT_PER_ADDRESS: '6/1m', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_PER_KEY: 'off' },
    'fs',
    { logStream: stream },
  );
  alice = await createUser(t.url, t.adminKey, 'alice', { displayName: 'Alice A.' });
  bob = await createUser(t.url, t.adminKey, 'bob');
  await setPassword(t.url, t.adminKey, alice.id, PASSWORD);
  await setPassword(t.url, t.adminKey, bob.id, OTHER_PASSWORD);
});

afterAll(async () => {
  await t?.stop();
});

const session = async (handle = 'alice', password = PASSWORD, headers: Record<string, string> = fromNewAddress()) => signIn(t.url, handle, password, headers);

describe('signing in', () => {
  it('answers the user and a CSRF token, and sets an HttpOnly SameSite=Lax cookie on / (Secure only over TLS)', async () => {
    const res = await signInRaw(t.url, 'alice', PASSWORD, fromNewAddress());
    const body = (await res.json()) as Record<string, unknown>;
    seen.push(JSON.stringify(body));
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ user: { id: alice.id, handle: 'alice', displayName: 'Alice A.', role: 'user' }, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Date.parse(String(body.expiresAt))).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^imgsvc_session=[0-7][0-9A-Z]{25}\.[A-Za-z0-9_-]{43}; /);
    const flags = cookie.split('; ').slice(1);
    expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']));
    expect(flags).not.toContain('Secure');
    // Behind a TLS proxy (trusted: IMGSVC_TRUST_PROXY=1) the cookie is Secure.
    const tls = await signInRaw(t.url, 'alice', PASSWORD, { ...fromNewAddress(), 'x-forwarded-proto': 'https' });
    expect(tls.headers.get('set-cookie')!.split('; ')).toContain('Secure');
  });

  it('GET /v1/session says who is signed in with the same CSRF token; 401 without the cookie', async () => {
    const s = await session();
    const got = await asBrowser(t.url, 'GET', '/v1/session', s);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ user: { id: alice.id }, csrfToken: s.csrfToken });
    expect((await api(t.url, 'GET', '/v1/session', undefined)).status).toBe(401);
    expect((await fetch(`${t.url}/v1/session`, { headers: { cookie: 'imgsvc_session=garbage' } })).status).toBe(401);
    const me = await asBrowser(t.url, 'GET', '/v1/me', s);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: alice.id, key: null, shareLocation: false });
  });

  it('wrong handle and wrong password read the same 401', async () => {
    const wrongPassword = await signInRaw(t.url, 'alice', 'not the password at all', fromNewAddress());
    const noSuchUser = await signInRaw(t.url, 'nobody-here', 'not the password at all', fromNewAddress());
    expect(wrongPassword.status).toBe(401);
    expect(noSuchUser.status).toBe(401);
    expect(await wrongPassword.json()).toEqual(await noSuchUser.json());
  });

  it('issues a new session id at sign-in: a cookie planted (or held) before is never adopted, and ends', async () => {
    const before = await session();
    const after = await signIn(t.url, 'alice', PASSWORD, { ...fromNewAddress(), cookie: before.cookie });
    expect(after.cookie).not.toBe(before.cookie);
    expect(after.csrfToken).not.toBe(before.csrfToken);
    expect((await asBrowser(t.url, 'GET', '/v1/session', before)).status).toBe(401);
    expect((await asBrowser(t.url, 'GET', '/v1/session', after)).status).toBe(200);
    // A value an attacker made up is not kept either.
    const planted = `imgsvc_session=${alice.id}.${'A'.repeat(43)}`;
    const fresh = await signIn(t.url, 'alice', PASSWORD, { ...fromNewAddress(), cookie: planted });
    expect(fresh.cookie).not.toBe(planted);
  });

  it('refuses a sign-in posted from another site (login CSRF)', async () => {
    const res = await signInRaw(t.url, 'alice', PASSWORD, { ...fromNewAddress(), 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });
});

describe('writes with the session cookie (CSRF)', () => {
  const patchMe = (s: TestSession, headers: Record<string, string>) =>
    fetch(`${t.url}/v1/me`, { method: 'PATCH', headers: { cookie: s.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ displayName: 'Changed' }) });

  it('go through from the app: same origin and the token', async () => {
    const s = await session();
    const res = await asBrowser(t.url, 'PATCH', '/v1/me', s, { body: { displayName: 'Alice A.' } });
    expect(res.status).toBe(200);
  });

  it('are refused without the token, even from the same origin', async () => {
    const s = await session();
    for (const headers of [{ 'sec-fetch-site': 'same-origin' }, { origin: t.url }, {}, { 'sec-fetch-site': 'same-origin', 'x-csrf-token': 'wrong' }] as Record<string, string>[]) {
      const res = await patchMe(s, headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_refused');
    }
  });

  it('are refused from another site even with the token (Sec-Fetch-Site, or Origin when there is no fetch metadata)', async () => {
    const s = await session();
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'https://evil.localhost' },
      { origin: 'https://evil.example' },
    ] as Record<string, string>[]) {
      const res = await patchMe(s, { ...headers, 'x-csrf-token': s.csrfToken });
      expect(res.status, JSON.stringify(headers)).toBe(403);
    }
  });

  it('a cross-site HTML form post with the cookie changes nothing', async () => {
    const s = await session();
    // What a browser sends for <form method=post action=…/v1/images/…/comments> on another site.
    const up = await fetch(`${t.url}/v1/images?visibility=public`, { method: 'POST', headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' }, body: jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'csrf') });
    const imageId = String(((await up.json()) as { id: string }).id);
    const res = await fetch(`${t.url}/v1/images/${imageId}/comments`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate' },
      body: 'body=pwned',
    });
    expect(res.status).toBe(403);
    const comments = await api(t.url, 'GET', `/v1/images/${imageId}/comments`, alice.key);
    expect(comments.body.items).toEqual([]);
  });

  it('API keys need no token, and a key wins over a cookie', async () => {
    const s = await session();
    const res = await fetch(`${t.url}/v1/me`, { method: 'PATCH', headers: { authorization: `Bearer ${bob.key}`, cookie: s.cookie, 'content-type': 'application/json', origin: 'https://evil.example' }, body: '{}' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe(bob.id);
  });
});

describe('login limits', () => {
  it('per handle: failures from many addresses block that handle, not others', async () => {
    const user = await createUser(t.url, t.adminKey, 'limited');
    await setPassword(t.url, t.adminKey, user.id, PASSWORD);
    for (let i = 0; i < 4; i++) expect((await signInRaw(t.url, 'limited', `wrong password ${i}!`, fromNewAddress())).status).toBe(401);
    const blocked = await signInRaw(t.url, 'limited', PASSWORD, fromNewAddress());
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signInRaw(t.url, 'bob', OTHER_PASSWORD, fromNewAddress())).status).toBe(200);
  });

  it('per address: failures across handles block that address, not others', async () => {
    const address = fromNewAddress();
    for (let i = 0; i < 6; i++) expect((await signInRaw(t.url, `ghost-${i}`, 'wrong password here', address)).status).toBe(401);
    expect((await signInRaw(t.url, 'bob', OTHER_PASSWORD, address)).status).toBe(429);
    expect((await signInRaw(t.url, 'bob', OTHER_PASSWORD, fromNewAddress())).status).toBe(200);
  });
});

describe('signing out', () => {
  it('DELETE /v1/session ends this session and clears the cookie', async () => {
    const s = await session();
    const other = await session();
    const res = await asBrowser(t.url, 'DELETE', '/v1/session', s);
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(/^imgsvc_session=; .*Max-Age=0/);
    expect((await asBrowser(t.url, 'GET', '/v1/session', s)).status).toBe(401);
    expect((await asBrowser(t.url, 'GET', '/v1/session', other)).status).toBe(200);
  });

  it('POST /v1/session/revoke-all ends every session of the user, and only theirs', async () => {
    const a1 = await session();
    const a2 = await session();
    const b1 = await session('bob', OTHER_PASSWORD);
    expect((await asBrowser(t.url, 'POST', '/v1/session/revoke-all', a1)).status).toBe(204);
    expect((await asBrowser(t.url, 'GET', '/v1/session', a1)).status).toBe(401);
    expect((await asBrowser(t.url, 'GET', '/v1/session', a2)).status).toBe(401);
    expect((await asBrowser(t.url, 'GET', '/v1/session', b1)).status).toBe(200);
    // Keys are not sessions: they keep working.
    expect((await api(t.url, 'GET', '/v1/me', alice.key)).status).toBe(200);
  });

  it('a new password (from a link) ends the sessions made with the old one; the link works once', async () => {
    const s = await session('bob', OTHER_PASSWORD);
    const link = await api(t.url, 'POST', `/v1/users/${bob.id}/password-link`, t.adminKey);
    seen.push(JSON.stringify(link.body));
    expect(link.body.url).toMatch(new RegExp(`^${t.url}/app/set-password#${bob.id}\\.[A-Za-z0-9_-]{43}$`));
    const token = String(link.body.url).split('#')[1]!;
    const short = await fetch(`${t.url}/v1/password-links/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: 'too short' }) });
    expect(short.status).toBe(400);
    const used = await fetch(`${t.url}/v1/password-links/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: OTHER_PASSWORD }) });
    seen.push(await used.text());
    expect(used.status).toBe(200);
    const again = await fetch(`${t.url}/v1/password-links/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: OTHER_PASSWORD }) });
    expect(again.status).toBe(404);
    expect((await asBrowser(t.url, 'GET', '/v1/session', s)).status).toBe(401);
    expect((await signInRaw(t.url, 'bob', OTHER_PASSWORD, fromNewAddress())).status).toBe(200);
  });
});

describe('people', () => {
  it('find each other by handle, grant by handle, and see authors by name', async () => {
    const s = await session();
    const found = await asBrowser(t.url, 'GET', '/v1/users/by-handle/bob', s);
    expect(found.status).toBe(200);
    expect(found.body).toEqual({ id: bob.id, handle: 'bob', displayName: 'bob' });
    expect((await asBrowser(t.url, 'GET', '/v1/users/by-handle/nobody', s)).status).toBe(404);
    expect((await api(t.url, 'GET', '/v1/users/by-handle/bob', undefined)).status).toBe(401);
    expect((await api(t.url, 'GET', '/v1/users/by-handle/alice', bob.key)).body).toMatchObject({ id: alice.id, displayName: 'Alice A.' });

    const granted = await asBrowser(t.url, 'PUT', '/v1/me/viewers/bob', s);
    expect(granted.status).toBe(200);
    expect((await api(t.url, 'GET', '/v1/me/viewers', alice.key)).body.items).toEqual([expect.objectContaining({ id: bob.id })]);
    expect((await asBrowser(t.url, 'DELETE', '/v1/me/viewers/bob', s)).status).toBe(204);
    expect((await api(t.url, 'GET', '/v1/me/viewers', alice.key)).body.items).toEqual([]);
    expect((await asBrowser(t.url, 'PUT', '/v1/me/viewers/alice', s)).status).toBe(400);

    const up = await fetch(`${t.url}/v1/images?visibility=public`, { method: 'POST', headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' }, body: jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'authors') });
    const imageId = String(((await up.json()) as { id: string }).id);
    const posted = await api(t.url, 'POST', `/v1/images/${imageId}/comments`, bob.key, { body: 'nice one' });
    expect(posted.body.author).toEqual({ id: bob.id, handle: 'bob', displayName: 'bob' });
    const listed = await api(t.url, 'GET', `/v1/images/${imageId}/comments`, undefined);
    expect(listed.body.items).toEqual([expect.objectContaining({ authorId: bob.id, author: { id: bob.id, handle: 'bob', displayName: 'bob' } })]);
    await vi.waitFor(async () => {
      const notes = await asBrowser(t.url, 'GET', '/v1/me/notifications', s);
      expect(notes.body.items).toEqual([expect.objectContaining({ imageId, latest: [expect.objectContaining({ authorId: bob.id, author: { id: bob.id, handle: 'bob', displayName: 'bob' } })] })]);
    }, { timeout: 20_000, interval: 200 });
  });

  it('a disabled user cannot sign in and their sessions stop; enabled again, they can', async () => {
    const carol = await createUser(t.url, t.adminKey, 'carol');
    await setPassword(t.url, t.adminKey, carol.id, PASSWORD);
    const s = await session('carol');
    expect((await api(t.url, 'POST', `/v1/users/${carol.id}/disable`, t.adminKey)).status).toBe(200);
    expect((await asBrowser(t.url, 'GET', '/v1/session', s)).status).toBe(401);
    expect((await signInRaw(t.url, 'carol', PASSWORD, fromNewAddress())).status).toBe(401);
    const enabled = await api(t.url, 'POST', `/v1/users/${carol.id}/enable`, t.adminKey);
    expect(enabled.status).toBe(200);
    expect(enabled.body.disabled).toBe(false);
    expect((await api(t.url, 'GET', '/v1/me', carol.key)).status).toBe(200);
    expect((await signInRaw(t.url, 'carol', PASSWORD, fromNewAddress())).status).toBe(200);
  });

  it('a deleted user: keys and sessions stop, images go to the trash, the name leaves comments', async () => {
    const dave = await createUser(t.url, t.adminKey, 'dave');
    await setPassword(t.url, t.adminKey, dave.id, PASSWORD);
    const s = await session('dave');
    const up = await fetch(`${t.url}/v1/images?visibility=public`, { method: 'POST', headers: { authorization: `Bearer ${dave.key}`, 'content-type': 'image/jpeg' }, body: jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'dave') });
    const imageId = String(((await up.json()) as { id: string }).id);
    const aliceUp = await fetch(`${t.url}/v1/images?visibility=public`, { method: 'POST', headers: { authorization: `Bearer ${alice.key}`, 'content-type': 'image/jpeg' }, body: jpegVariant(await readFile(corpusPath('photos/tower_progressive.jpg')), 'for-dave') });
    const aliceImage = String(((await aliceUp.json()) as { id: string }).id);
    expect((await api(t.url, 'POST', `/v1/images/${aliceImage}/comments`, dave.key, { body: 'from dave' })).status).toBe(201);

    expect((await api(t.url, 'DELETE', `/v1/users/${dave.id}`, t.adminKey)).status).toBe(204);
    expect((await api(t.url, 'GET', '/v1/me', dave.key)).status).toBe(401);
    expect((await asBrowser(t.url, 'GET', '/v1/session', s)).status).toBe(401);
    expect((await signInRaw(t.url, 'dave', PASSWORD, fromNewAddress())).status).toBe(401);
    expect((await api(t.url, 'GET', `/v1/images/${imageId}`, undefined)).status).toBe(404);
    const trash = await api(t.url, 'GET', `/v1/trash?owner=${dave.id}`, t.adminKey);
    expect(trash.body.items).toEqual([expect.objectContaining({ id: imageId, eraseAt: expect.any(String) })]);
    const comments = await api(t.url, 'GET', `/v1/images/${aliceImage}/comments`, undefined);
    expect(comments.body.items).toEqual([expect.objectContaining({ authorId: dave.id, author: null })]);
    expect((await api(t.url, 'GET', '/v1/users/by-handle/dave', alice.key)).status).toBe(404);
    expect((await api(t.url, 'DELETE', `/v1/users/${dave.id}`, t.adminKey)).status).toBe(404);
  });
});

describe('durability', () => {
  it('a Redis wipe signs people out but never locks them out', async () => {
    const s = await session('bob', OTHER_PASSWORD);
    await t.redis.client.flushall();
    expect((await asBrowser(t.url, 'GET', '/v1/session', s)).status).toBe(401);
    // Attempts while the accounts index is gone fail, and must not lock bob out for later.
    expect((await signInRaw(t.url, 'bob', OTHER_PASSWORD, fromNewAddress())).status).toBe(401);
    // The index comes back from storage on its own (accounts with it); the password was never in Redis.
    await vi.waitFor(async () => expect((await signInRaw(t.url, 'bob', OTHER_PASSWORD, fromNewAddress())).status).toBe(200), { timeout: 30_000, interval: 500 });
  }, 60_000);
});

describe('the first start', () => {
  it('made a one-time set-password link for the admin', async () => {
    const token = t.service.bootstrap.passwordLinkToken;
    expect(token).toMatch(/^[0-7][0-9A-Z]{25}\.[A-Za-z0-9_-]{43}$/);
    const res = await fetch(`${t.url}/v1/password-links/${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ password: PASSWORD }) });
    expect(res.status).toBe(200);
    const admin = await signIn(t.url, 'admin', PASSWORD, fromNewAddress());
    const users = await asBrowser(t.url, 'GET', '/v1/users', admin);
    expect(users.status).toBe(200);
  });
});

describe('a password shows up nowhere', () => {
  it('not in a log, a response, Redis, the event stream or storage (other than hashed)', async () => {
    await new Promise((r) => setTimeout(r, 300));
    const passwords = [PASSWORD, OTHER_PASSWORD];
    const logText = logs.join('');
    expect(logText).toContain('signed in');
    for (const p of passwords) {
      expect(logText).not.toContain(p);
      for (const body of seen) expect(body).not.toContain(p);
    }
    const redisDump: string[] = [];
    for (const key of await t.redis.client.keys('*')) {
      const type = await t.redis.client.type(key);
      if (type === 'string') redisDump.push(String(await t.redis.client.get(key)));
      else if (type === 'hash') redisDump.push(JSON.stringify(await t.redis.client.hgetall(key)));
      else if (type === 'stream') redisDump.push(JSON.stringify(await t.redis.client.xrange(key, '-', '+')));
    }
    const stored: string[] = [];
    for (const key of await storedKeys(t)) if (key.startsWith('accounts/')) stored.push((await t.service.store.getBuffer(key)).toString('utf8'));
    expect(stored.some((s) => s.startsWith('{"hash":"scrypt$'))).toBe(true);
    for (const p of passwords) {
      expect(redisDump.join('\n')).not.toContain(p);
      expect(stored.join('\n')).not.toContain(p);
    }
  });
});
