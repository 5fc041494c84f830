import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeyObjectKey } from '../../services/storage/keys.js';
import { api, createKey, createUser } from '../helpers/accounts.js';
import { startTestService, type TestService } from '../helpers/service.js';

/** Issue 21, item 3: a key cannot outlive or outrank the key that minted it. */
let t: TestService;

beforeAll(async () => {
  t = await startTestService({ IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_AUTH_FAILURES: 'off' });
});
afterAll(async () => {
  await t?.stop();
});

const idOf = (token: string) => token.split('_')[1]!;

describe('key lineage', () => {
  it('a key minted by an expiring key expires no later than it, asked for no expiry or a later one', async () => {
    const alice = await createUser(t.url, t.adminKey, 'lineage-alice');
    const expiring = await api(t.url, 'POST', '/v1/keys', alice.key, { scopes: ['images:read', 'images:write'], expiresInSeconds: 3600 });
    expect(expiring.status).toBe(201);
    const cap = Date.parse(String(expiring.body.expiresAt));
    const forever = await api(t.url, 'POST', '/v1/keys', String(expiring.body.token), { scopes: ['images:read'] });
    expect(forever.status).toBe(201);
    expect(forever.body.expiresAt).not.toBeNull();
    expect(Date.parse(String(forever.body.expiresAt))).toBeLessThanOrEqual(cap);
    expect(forever.body.parentId).toBe(expiring.body.id);
    const later = await api(t.url, 'POST', '/v1/keys', String(expiring.body.token), { scopes: ['images:read'], expiresInSeconds: 7200 });
    expect(Date.parse(String(later.body.expiresAt))).toBeLessThanOrEqual(cap);
    const sooner = await api(t.url, 'POST', '/v1/keys', String(expiring.body.token), { scopes: ['images:read'], expiresInSeconds: 600 });
    expect(Date.parse(String(sooner.body.expiresAt))).toBeLessThan(cap - 2_000_000);
  });

  it('an expiring admin key cannot mint a permanent admin key, for itself or for anyone', async () => {
    const temp = await api(t.url, 'POST', '/v1/keys', t.adminKey, { scopes: ['admin', 'images:read', 'images:write'], expiresInSeconds: 600 });
    expect(temp.status).toBe(201);
    const cap = Date.parse(String(temp.body.expiresAt));
    const own = await api(t.url, 'POST', '/v1/keys', String(temp.body.token), { scopes: ['admin'] });
    expect(own.status).toBe(201);
    expect(own.body.expiresAt).not.toBeNull();
    expect(Date.parse(String(own.body.expiresAt))).toBeLessThanOrEqual(cap);
    const made = await api(t.url, 'POST', '/v1/users', String(temp.body.token), { handle: 'lineage-admin2', role: 'admin' });
    const forOther = await api(t.url, 'POST', '/v1/keys', String(temp.body.token), { scopes: ['admin'], userId: made.body.id });
    expect(forOther.status).toBe(201);
    expect(Date.parse(String(forOther.body.expiresAt))).toBeLessThanOrEqual(cap);
  });

  it('revoking a key revokes the keys it minted, and theirs, durably; its parent and siblings live on', async () => {
    const carol = await createUser(t.url, t.adminKey, 'lineage-carol');
    const child = await createKey(t.url, carol.key, ['images:read', 'images:write']);
    const grandchild = await createKey(t.url, child, ['images:read']);
    const sibling = await createKey(t.url, carol.key, ['images:read']);
    for (const k of [child, grandchild, sibling]) expect((await api(t.url, 'GET', '/v1/me', k)).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/keys/${idOf(child)}`, carol.key)).status).toBe(200);
    const gone = await api(t.url, 'GET', '/v1/me', grandchild);
    expect(gone.status).toBe(401);
    expect((gone.body.error as { code: string }).code).toBe('key_revoked');
    expect((await api(t.url, 'GET', '/v1/me', child)).status).toBe(401);
    expect((await api(t.url, 'GET', '/v1/me', carol.key)).status).toBe(200);
    expect((await api(t.url, 'GET', '/v1/me', sibling)).status).toBe(200);
    // Storage holds the revocation and the lineage, so a Redis wipe forgets neither.
    const stored = JSON.parse((await t.service.store.getBuffer(apiKeyObjectKey(idOf(grandchild)))).toString('utf8')) as { revokedAt?: string; parentId?: string };
    expect(stored.revokedAt).toBeDefined();
    expect(stored.parentId).toBe(idOf(child));
    const listed = await api(t.url, 'GET', '/v1/keys', carol.key);
    const states = Object.fromEntries((listed.body.items as { id: string; state: string }[]).map((k) => [k.id, k.state]));
    expect(states[idOf(grandchild)]).toBe('revoked');
    expect(states[idOf(sibling)]).toBe('active');
  });
});
