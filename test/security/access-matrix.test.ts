import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, createKey, createUser, type TestUser } from '../helpers/accounts.js';
import { corpusPath } from '../helpers/corpus.js';
import { uploadBytes } from '../helpers/http.js';
import { startTestService, type TestService } from '../helpers/service.js';
import { waitForStatus } from '../helpers/wait-for.js';
import { jpegVariant } from '../helpers/jpeg-variant.js';
import { DeliveryStore } from '../../services/events/webhooks/delivery-store.js';
import { loadWebFiles } from '../../services/http/web-app/web-app-files.js';
import { setPassword, signIn, type TestSession } from '../helpers/sessions.js';

/**
 * The access matrix: every route × every kind of caller × a public and a private image,
 * end to end over HTTP against a real Redis. Each row's expectations are written out in the
 * caller order below; a route the service serves without a row here fails the last test.
 */
const CALLERS = ['anonymous', 'owner', 'viewer', 'stranger', 'admin', 'revoked', 'expired', 'wrongScope'] as const;
type Caller = (typeof CALLERS)[number];
type Scope = 'read' | 'write' | 'admin' | 'any' | 'none';

interface Ctx {
  image: { id: string; sha256: string };
  fresh: () => Promise<Record<string, string>>;
  /** A new image of the owner's with the row's visibility (deleted already when asked). */
  freshImage: (deleted?: boolean) => Promise<string>;
  /** The owner's album holding just the row's image. */
  album: string;
  /** A new album of the owner's holding just the row's image. */
  freshAlbum: () => Promise<string>;
  /** A new comment of the owner's on the row's image. */
  freshComment: () => Promise<string>;
}
interface Row {
  route: string;
  /** What the route needs; the wrong-scope caller holds the owner's key without it. */
  scope: Scope;
  request: (ctx: Ctx) => Promise<MatrixRequest> | MatrixRequest;
  public: string;
  private: string;
}

/** One built asset of the web app (npm ci builds it; the row fails with the reason when it is missing). */
function webAsset(): string {
  const files = loadWebFiles();
  if (!files) throw new Error('the web app is not built: run npm run build:web');
  return [...files.keys()].find((k) => k.startsWith('assets/'))!.slice('assets/'.length);
}
/** `headers` go on top of the caller's (tus needs its own). */
type MatrixRequest = { path: string; body?: unknown; raw?: Buffer; headers?: Record<string, string> };

const SAME = (codes: string) => ({ public: codes, private: codes });

let t: TestService;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let dave: TestUser;
const keys: Partial<Record<Caller | 'readOnly' | 'writeOnly', string>> = {};
const images: Record<'public' | 'private', { id: string; sha256: string }> = {} as never;
const albums: Record<'public' | 'private', string> = {} as never;
let jpeg: Buffer;
let counter = 0;
/** Alice's webhook endpoint. */
let hook = '';

async function freshHook(): Promise<string> {
  const made = await api(t.url, 'POST', '/v1/webhooks', alice.key, { url: 'http://127.0.0.1:9/matrix' });
  expect(made.status).toBe(201);
  return String(made.body.id);
}

/** A dead letter of alice's endpoint, written straight into the schedule (not due, then dead). */
async function deadDelivery(): Promise<string> {
  const deliveries = new DeliveryStore(t.service.redis, t.service.config.redisShards);
  const n = counter++;
  const id = `01JF${String(n).padStart(22, '0')}`;
  const d = { id, ownerId: alice.id, endpointId: hook, eventId: `${Date.now()}-${n}`, eventType: 'image.updated', body: '{}', windowStart: Date.now() + 3_600_000 };
  await deliveries.schedule(d);
  await deliveries.record({ ...d, status: 'dead', attempts: 1, nextAt: null, lastAttemptAt: Date.now(), lastStatus: 500, lastError: 'HTTP 500', doneAt: Date.now() }, 'pending');
  return id;
}

const ROWS: Row[] = [
  { route: 'GET /v1/images/:id', scope: 'read', request: ({ image }) => ({ path: `/v1/images/${image.id}` }), public: '200 200 200 200 200 401 401 403', private: '404 200 200 404 200 401 401 403' },
  { route: 'PATCH /v1/images/:id', scope: 'write', request: ({ image }) => ({ path: `/v1/images/${image.id}`, body: { visibility: image === images.public ? 'public' : 'private' } }), public: '401 200 403 403 200 401 401 403', private: '401 200 403 404 200 401 401 403' },
  { route: 'GET /v1/images/:id/srcset', scope: 'read', request: ({ image }) => ({ path: `/v1/images/${image.id}/srcset` }), public: '200 200 200 200 200 401 401 403', private: '404 200 200 404 200 401 401 403' },
  // Originals keep every byte the camera wrote: others get them only when the owner allows it.
  { route: 'GET /v1/images/:id/original', scope: 'read', request: ({ image }) => ({ path: `/v1/images/${image.id}/original` }), public: '403 200 403 403 200 401 401 403', private: '404 200 403 404 200 401 401 403' },
  // The viewer sees the owner's private images in the listing; a stranger only the public ones (both 200).
  { route: 'GET /v1/images', scope: 'read', request: () => ({ path: `/v1/images?owner=${alice.id}` }), ...SAME('200 200 200 200 200 401 401 403') },
  // Each cell deletes a fresh image of the owner's, of the row's visibility.
  { route: 'DELETE /v1/images/:id', scope: 'write', request: async ({ freshImage }) => ({ path: `/v1/images/${await freshImage()}` }), public: '401 200 403 403 200 401 401 403', private: '401 200 403 404 200 401 401 403' },
  { route: 'GET /v1/trash', scope: 'read', request: () => ({ path: '/v1/trash' }), ...SAME('401 200 200 200 200 401 401 403') },
  // Each cell restores a fresh deleted image of the owner's: nobody else learns it exists.
  { route: 'POST /v1/images/:id/restore', scope: 'write', request: async ({ freshImage }) => ({ path: `/v1/images/${await freshImage(true)}/restore` }), ...SAME('401 200 404 404 200 401 401 403') },
  { route: 'GET /v1/images/:id/stats', scope: 'read', request: ({ image }) => ({ path: `/v1/images/${image.id}/stats` }), public: '401 200 403 403 200 401 401 403', private: '401 200 403 404 200 401 401 403' },
  { route: 'POST /v1/images/:id/signed-urls', scope: 'read', request: ({ image }) => ({ path: `/v1/images/${image.id}/signed-urls`, body: {} }), public: '401 200 200 200 200 401 401 403', private: '401 200 200 404 200 401 401 403' },
  // Issue 21: the owner's (or an admin's) switch that invalidates every signed URL of the image; a viewer may not pull it.
  { route: 'POST /v1/images/:id/signed-urls/revoke', scope: 'write', request: ({ image }) => ({ path: `/v1/images/${image.id}/signed-urls/revoke` }), public: '401 200 403 403 200 401 401 403', private: '401 200 403 404 200 401 401 403' },
  { route: 'GET /i/:id', scope: 'none', request: ({ image }) => ({ path: `/i/${image.id}` }), public: '200 200 200 200 200 401 401 200', private: '404 200 200 404 200 401 401 404' },
  { route: 'GET /i/:id/:preset', scope: 'none', request: ({ image }) => ({ path: `/i/${image.id}/thumb` }), public: '200 200 200 200 200 401 401 200', private: '404 200 200 404 200 401 401 404' },
  // Only the caller's own images answer: the admin and the viewer have none with these bytes.
  { route: 'GET /v1/images/sha256/:sha256', scope: 'read', request: ({ image }) => ({ path: `/v1/images/sha256/${image.sha256}` }), ...SAME('401 200 404 404 404 401 401 403') },
  { route: 'POST /v1/images', scope: 'write', request: () => ({ path: '/v1/images', raw: jpegVariant(jpeg, `matrix-${counter++}`) }), ...SAME('401 201 201 201 201 401 401 403') },
  { route: 'GET /v1/analytics/top', scope: 'admin', request: () => ({ path: '/v1/analytics/top' }), ...SAME('401 403 403 403 200 401 401 403') },
  { route: 'GET /v1/analytics/summary', scope: 'admin', request: () => ({ path: '/v1/analytics/summary' }), ...SAME('401 403 403 403 200 401 401 403') },
  { route: 'POST /v1/users', scope: 'admin', request: () => ({ path: '/v1/users', body: { handle: `matrix-${counter++}` } }), ...SAME('401 403 403 403 201 401 401 403') },
  { route: 'GET /v1/users', scope: 'admin', request: () => ({ path: '/v1/users' }), ...SAME('401 403 403 403 200 401 401 403') },
  { route: 'POST /v1/users/:id/disable', scope: 'admin', request: async ({ fresh }) => ({ path: `/v1/users/${(await fresh()).userId}/disable` }), ...SAME('401 403 403 403 200 401 401 403') },
  { route: 'GET /v1/me', scope: 'any', request: () => ({ path: '/v1/me' }), ...SAME('401 200 200 200 200 401 401 200') },
  { route: 'PATCH /v1/me', scope: 'write', request: () => ({ path: '/v1/me', body: {} }), ...SAME('401 200 200 200 200 401 401 403') },
  // The wrong-scope key (write only) may not mint a read key: never wider than itself.
  { route: 'POST /v1/keys', scope: 'read', request: () => ({ path: '/v1/keys', body: { scopes: ['images:read'] } }), ...SAME('401 201 201 201 201 401 401 403') },
  { route: 'GET /v1/keys', scope: 'any', request: () => ({ path: '/v1/keys' }), ...SAME('401 200 200 200 200 401 401 200') },
  // Each cell revokes a fresh key of the owner's: another user's key is as unknown as none.
  { route: 'DELETE /v1/keys/:id', scope: 'any', request: async ({ fresh }) => ({ path: `/v1/keys/${(await fresh()).keyId}` }), ...SAME('401 200 404 404 200 401 401 200') },
  { route: 'PUT /v1/me/viewers/:userId', scope: 'write', request: () => ({ path: `/v1/me/viewers/${dave.id}` }), ...SAME('401 200 200 200 200 401 401 403') },
  { route: 'DELETE /v1/me/viewers/:userId', scope: 'write', request: () => ({ path: `/v1/me/viewers/${dave.id}` }), ...SAME('401 204 204 204 204 401 401 403') },
  // Each caller's own list of allowed sizes (another user's is never named): the key's scope alone decides.
  { route: 'GET /v1/me/variant-sizes', scope: 'read', request: () => ({ path: '/v1/me/variant-sizes' }), ...SAME('401 200 200 200 200 401 401 403') },
  { route: 'PUT /v1/me/variant-sizes', scope: 'write', request: () => ({ path: '/v1/me/variant-sizes', body: { sizes: [] } }), ...SAME('401 200 200 200 200 401 401 403') },
  { route: 'GET /v1/me/viewers', scope: 'read', request: () => ({ path: '/v1/me/viewers' }), ...SAME('401 200 200 200 200 401 401 403') },
  // Albums follow their items: the album of the private image is the owner's, the viewer's and the admin's to see.
  { route: 'POST /v1/albums', scope: 'write', request: () => ({ path: '/v1/albums', body: { title: `matrix ${counter++}` } }), ...SAME('401 201 201 201 201 401 401 403') },
  { route: 'GET /v1/albums', scope: 'read', request: () => ({ path: `/v1/albums?owner=${alice.id}` }), ...SAME('200 200 200 200 200 401 401 403') },
  { route: 'GET /v1/albums/:id', scope: 'read', request: ({ album }) => ({ path: `/v1/albums/${album}` }), public: '200 200 200 200 200 401 401 403', private: '404 200 200 404 200 401 401 403' },
  { route: 'GET /v1/albums/:id/images', scope: 'read', request: ({ album }) => ({ path: `/v1/albums/${album}/images` }), public: '200 200 200 200 200 401 401 403', private: '404 200 200 404 200 401 401 403' },
  { route: 'PATCH /v1/albums/:id', scope: 'write', request: ({ album }) => ({ path: `/v1/albums/${album}`, body: { title: 'renamed' } }), public: '401 200 403 403 200 401 401 403', private: '401 200 403 404 200 401 401 403' },
  // Each cell deletes a fresh album of the owner's holding the row's image.
  { route: 'DELETE /v1/albums/:id', scope: 'write', request: async ({ freshAlbum }) => ({ path: `/v1/albums/${await freshAlbum()}` }), public: '401 204 403 403 204 401 401 403', private: '401 204 403 404 204 401 401 403' },
  // Adding the image that is already there: idempotent for the owner and an admin.
  { route: 'PUT /v1/albums/:id/images/:imageId', scope: 'write', request: ({ album, image }) => ({ path: `/v1/albums/${album}/images/${image.id}` }), public: '401 200 403 403 200 401 401 403', private: '401 200 403 404 200 401 401 403' },
  { route: 'DELETE /v1/albums/:id/images/:imageId', scope: 'write', request: async ({ freshAlbum, image }) => ({ path: `/v1/albums/${await freshAlbum()}/images/${image.id}` }), public: '401 204 403 403 204 401 401 403', private: '401 204 403 404 204 401 401 403' },
  // Whoever may see an image may favorite it; unfavoriting touches only the caller's own list.
  { route: 'PUT /v1/images/:id/favorite', scope: 'write', request: ({ image }) => ({ path: `/v1/images/${image.id}/favorite` }), public: '401 200 200 200 200 401 401 403', private: '401 200 200 404 200 401 401 403' },
  { route: 'DELETE /v1/images/:id/favorite', scope: 'write', request: ({ image }) => ({ path: `/v1/images/${image.id}/favorite` }), ...SAME('401 204 204 204 204 401 401 403') },
  { route: 'GET /v1/me/favorites', scope: 'read', request: () => ({ path: '/v1/me/favorites' }), ...SAME('401 200 200 200 200 401 401 403') },
  // Everyone with a read key gets 200: a user reads only the events about their own things, an admin all.
  { route: 'GET /v1/events', scope: 'read', request: () => ({ path: '/v1/events?limit=5' }), ...SAME('401 200 200 200 200 401 401 403') },
  // Comments follow the image: whoever may see it reads and writes them; the author, the image's owner and admins delete them.
  { route: 'POST /v1/images/:id/comments', scope: 'write', request: ({ image }) => ({ path: `/v1/images/${image.id}/comments`, body: { body: `matrix ${counter++}` } }), public: '401 201 201 201 201 401 401 403', private: '401 201 201 404 201 401 401 403' },
  { route: 'GET /v1/images/:id/comments', scope: 'read', request: ({ image }) => ({ path: `/v1/images/${image.id}/comments` }), public: '200 200 200 200 200 401 401 403', private: '404 200 200 404 200 401 401 403' },
  // Each cell deletes a fresh comment the owner wrote: the viewer sees it but did not write it.
  { route: 'DELETE /v1/images/:id/comments/:commentId', scope: 'write', request: async ({ image, freshComment }) => ({ path: `/v1/images/${image.id}/comments/${await freshComment()}` }), public: '401 204 403 403 204 401 401 403', private: '401 204 403 404 204 401 401 403' },
  // Notifications are the caller's own.
  { route: 'GET /v1/me/notifications', scope: 'read', request: () => ({ path: '/v1/me/notifications' }), ...SAME('401 200 200 200 200 401 401 403') },
  { route: 'POST /v1/me/notifications/read', scope: 'write', request: () => ({ path: '/v1/me/notifications/read', body: { all: true } }), ...SAME('401 200 200 200 200 401 401 403') },
  // Open to all (a key must be able to read); what each caller finds is checked in 'search finds only what each caller may see' below.
  { route: 'GET /v1/search', scope: 'read', request: () => ({ path: '/v1/search?q=matrix' }), ...SAME('200 200 200 200 200 401 401 403') },
  // Webhook endpoints are their owner's and the admins': anyone else gets the 404 of an unknown id.
  { route: 'POST /v1/webhooks', scope: 'write', request: () => ({ path: '/v1/webhooks', body: { url: 'http://127.0.0.1:9/matrix' } }), ...SAME('401 201 201 201 201 401 401 403') },
  { route: 'GET /v1/webhooks', scope: 'read', request: () => ({ path: '/v1/webhooks' }), ...SAME('401 200 200 200 200 401 401 403') },
  { route: 'GET /v1/webhooks/:id', scope: 'read', request: () => ({ path: `/v1/webhooks/${hook}` }), ...SAME('401 200 404 404 200 401 401 403') },
  { route: 'PATCH /v1/webhooks/:id', scope: 'write', request: () => ({ path: `/v1/webhooks/${hook}`, body: { description: 'matrix' } }), ...SAME('401 200 404 404 200 401 401 403') },
  { route: 'DELETE /v1/webhooks/:id', scope: 'write', request: async () => ({ path: `/v1/webhooks/${await freshHook()}` }), ...SAME('401 204 404 404 204 401 401 403') },
  { route: 'POST /v1/webhooks/:id/rotate-secret', scope: 'write', request: () => ({ path: `/v1/webhooks/${hook}/rotate-secret` }), ...SAME('401 200 404 404 200 401 401 403') },
  { route: 'GET /v1/webhooks/:id/deliveries', scope: 'read', request: () => ({ path: `/v1/webhooks/${hook}/deliveries?status=dead` }), ...SAME('401 200 404 404 200 401 401 403') },
  // Each cell retries a fresh dead letter of the owner's endpoint.
  { route: 'POST /v1/webhooks/:id/deliveries/:deliveryId/retry', scope: 'write', request: async () => ({ path: `/v1/webhooks/${hook}/deliveries/${await deadDelivery()}/retry` }), ...SAME('401 200 404 404 200 401 401 403') },
  { route: 'GET /healthz', scope: 'none', request: () => ({ path: '/healthz' }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /readyz', scope: 'none', request: () => ({ path: '/readyz' }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /metrics', scope: 'none', request: () => ({ path: '/metrics' }), ...SAME('200 200 200 200 200 200 200 200') },
  // The API description and its page are public and static, like the probes.
  { route: 'GET /openapi.json', scope: 'none', request: () => ({ path: '/openapi.json' }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /docs', scope: 'none', request: () => ({ path: '/docs' }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /docs/:asset', scope: 'none', request: () => ({ path: '/docs/init.js' }), ...SAME('200 200 200 200 200 200 200 200') },
  // The web app's page and assets hold no data (everything it shows comes through the API rows above).
  { route: 'GET /', scope: 'none', request: () => ({ path: '/' }), ...SAME('302 302 302 302 302 302 302 302') },
  { route: 'GET /app', scope: 'none', request: () => ({ path: '/app' }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /app/:screen', scope: 'none', request: () => ({ path: '/app/trash' }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /app/:screen/:id', scope: 'none', request: ({ image }) => ({ path: `/app/photos/${image.id}` }), ...SAME('200 200 200 200 200 200 200 200') },
  { route: 'GET /app/assets/:file', scope: 'none', request: () => ({ path: `/app/assets/${webAsset()}` }), ...SAME('200 200 200 200 200 200 200 200') },
  // Sign-in for people (issue 22). Signing in needs no key; a bad key is still refused first.
  { route: 'POST /v1/session', scope: 'none', request: () => ({ path: '/v1/session', body: { handle: 'alice', password: ALICE_PASSWORD } }), ...SAME('200 200 200 200 200 401 401 200') },
  // Keys are not sessions: only the session caller (below) has one.
  { route: 'GET /v1/session', scope: 'any', request: () => ({ path: '/v1/session' }), ...SAME('401 401 401 401 401 401 401 401') },
  { route: 'DELETE /v1/session', scope: 'any', request: () => ({ path: '/v1/session' }), ...SAME('204 204 204 204 204 401 401 204') },
  { route: 'POST /v1/session/revoke-all', scope: 'any', request: () => ({ path: '/v1/session/revoke-all' }), ...SAME('401 204 204 204 204 401 401 204') },
  // The link's token is the credential: each cell uses a fresh link for dave.
  { route: 'POST /v1/password-links/:token', scope: 'none', request: async () => ({ path: `/v1/password-links/${await freshLinkToken()}`, body: { password: 'dave password 123' } }), ...SAME('200 200 200 200 200 401 401 200') },
  { route: 'POST /v1/users/:id/password-link', scope: 'admin', request: () => ({ path: `/v1/users/${dave.id}/password-link` }), ...SAME('401 403 403 403 201 401 401 403') },
  { route: 'GET /v1/users/by-handle/:handle', scope: 'any', request: () => ({ path: '/v1/users/by-handle/dave' }), ...SAME('401 200 200 200 200 401 401 200') },
  { route: 'POST /v1/users/:id/enable', scope: 'admin', request: async ({ fresh }) => ({ path: `/v1/users/${(await fresh()).userId}/enable` }), ...SAME('401 403 403 403 200 401 401 403') },
  // Resumable uploads are their creator's alone: anyone else (an admin too) gets the 404 of an unknown upload.
  { route: 'POST /v1/uploads', scope: 'write', request: () => ({ path: '/v1/uploads', headers: { ...TUS, 'upload-length': '100' } }), ...SAME('401 201 201 201 201 401 401 403') },
  { route: 'HEAD /v1/uploads/:uploadId', scope: 'write', request: async () => ({ path: await aliceUpload(), headers: TUS }), ...SAME('401 200 404 404 404 401 401 403') },
  { route: 'PATCH /v1/uploads/:uploadId', scope: 'write', request: async () => ({ path: await aliceUpload(), raw: Buffer.alloc(10), headers: { ...TUS, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' } }), ...SAME('401 204 404 404 404 401 401 403') },
  { route: 'DELETE /v1/uploads/:uploadId', scope: 'write', request: async () => ({ path: await aliceUpload(), headers: TUS }), ...SAME('401 204 404 404 404 401 401 403') },
  { route: 'GET /v1/uploads/:uploadId/image', scope: 'write', request: async () => ({ path: `${await aliceFinishedUpload()}/image` }), ...SAME('401 200 404 404 404 401 401 403') },
  { route: 'DELETE /v1/users/:id', scope: 'admin', request: async ({ fresh }) => ({ path: `/v1/users/${(await fresh()).userId}` }), ...SAME('401 403 403 403 204 401 401 403') },
];

const ALICE_PASSWORD = 'alice matrix password';
const TUS = { 'tus-resumable': '1.0.0' };

/** A new unfinished tus upload of alice's (100 bytes announced): its path. */
async function aliceUpload(): Promise<string> {
  const made = await fetch(`${t.url}/v1/uploads`, { method: 'POST', headers: { ...TUS, authorization: `Bearer ${alice.key}`, 'upload-length': '100' } });
  expect(made.status).toBe(201);
  return made.headers.get('location')!;
}

let finishedUpload: string | undefined;
async function aliceFinishedUpload(): Promise<string> {
  if (finishedUpload) return finishedUpload;
  const bytes = jpegVariant(jpeg, 'matrix-tus');
  const made = await fetch(`${t.url}/v1/uploads`, { method: 'POST', headers: { ...TUS, authorization: `Bearer ${alice.key}`, 'upload-length': String(bytes.length) } });
  const location = made.headers.get('location')!;
  const done = await fetch(`${t.url}${location}`, { method: 'PATCH', headers: { ...TUS, authorization: `Bearer ${alice.key}`, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: bytes });
  expect(done.status).toBe(204);
  finishedUpload = location;
  return location;
}

async function freshLinkToken(): Promise<string> {
  const made = await api(t.url, 'POST', `/v1/users/${dave.id}/password-link`, t.adminKey);
  expect(made.status).toBe(201);
  return String(made.body.url).split('#')[1]!;
}

/**
 * The session caller: alice signed in with her password, writing as the web app does (cookie,
 * same origin, CSRF token). A session holds the scopes of its user's role, so it gets the
 * owner's answer on every row but these.
 */
const SESSION_DIFFERS: Record<string, Partial<Record<'public' | 'private', number>>> = {
  'GET /v1/session': { public: 200, private: 200 },
  // The hot image path does not read cookies (it stays cacheable and cookie-free); the app shows private images through their signed URLs.
  'GET /i/:id': { private: 404 },
  'GET /i/:id/:preset': { private: 404 },
};
/** Rows that end the session they are sent with. */
const ENDS_SESSION = new Set(['DELETE /v1/session', 'POST /v1/session/revoke-all', 'POST /v1/session']);
let aliceSession: TestSession | undefined;

function keyOf(caller: Caller, scope: Scope): string | undefined {
  if (caller !== 'wrongScope') return keys[caller];
  return scope === 'write' ? keys.readOnly : scope === 'admin' ? alice.key : keys.writeOnly;
}

beforeAll(async () => {
  t = await startTestService({ IMGSVC_WEBHOOK_ALLOW_PRIVATE: 'loopback', IMGSVC_RATE_LIMIT_PER_KEY: 'off', IMGSVC_RATE_LIMIT_PER_ADDRESS: 'off', IMGSVC_RATE_LIMIT_AUTH_FAILURES: 'off', IMGSVC_COMMENT_RATE: 'off', IMGSVC_TUS_MAX_OPEN_UPLOADS: '1000' });
  jpeg = await readFile(corpusPath('photos/tower_progressive.jpg'));
  alice = await createUser(t.url, t.adminKey, 'alice');
  bob = await createUser(t.url, t.adminKey, 'bob');
  carol = await createUser(t.url, t.adminKey, 'carol');
  dave = await createUser(t.url, t.adminKey, 'dave');
  expect((await api(t.url, 'PUT', `/v1/me/viewers/${bob.id}`, alice.key)).status).toBe(200);
  await setPassword(t.url, t.adminKey, alice.id, ALICE_PASSWORD);
  keys.owner = alice.key;
  hook = await freshHook();
  keys.viewer = bob.key;
  keys.stranger = carol.key;
  keys.admin = t.adminKey;
  keys.readOnly = await createKey(t.url, alice.key, ['images:read']);
  keys.writeOnly = await createKey(t.url, alice.key, ['images:write']);
  keys.revoked = await createKey(t.url, alice.key, ['images:read', 'images:write']);
  const revokedId = keys.revoked.split('_')[1];
  expect((await api(t.url, 'DELETE', `/v1/keys/${revokedId}`, alice.key)).status).toBe(200);
  const user = await t.service.access.accounts.getUser(alice.id);
  keys.expired = (await t.service.access.accounts.createKey(user!, { name: 'expired', scopes: ['images:read', 'images:write'], expiresAt: new Date(Date.now() - 1000) })).token;
  for (const visibility of ['public', 'private'] as const) {
    const up = await uploadBytes(t.url, jpegVariant(jpeg, visibility), 'image/jpeg', alice.key, `?visibility=${visibility}`);
    expect(up.status).toBe(201);
    expect(up.body.visibility).toBe(visibility);
    await waitForStatus(t.url, String(up.body.id), ['ready'], 60_000);
    images[visibility] = { id: String(up.body.id), sha256: String(up.body.sha256) };
    albums[visibility] = await albumWith(images[visibility].id);
  }
});

async function albumWith(imageId: string): Promise<string> {
  const made = await api(t.url, 'POST', '/v1/albums', alice.key, { title: `album ${counter++}` });
  expect(made.status).toBe(201);
  expect((await api(t.url, 'PUT', `/v1/albums/${String(made.body.id)}/images/${imageId}`, alice.key)).status).toBe(200);
  return String(made.body.id);
}

afterAll(async () => {
  await t?.stop();
});

describe('the access matrix', () => {
  const methodOf = (route: string) => route.split(' ')[0]!;
  for (const row of ROWS) {
    for (const visibility of ['public', 'private'] as const) {
      it(`${row.route} on a ${visibility} image`, async () => {
        const expected = row[visibility].split(' ').map(Number);
        const got: number[] = [];
        for (const caller of CALLERS) {
          const ctx: Ctx = makeCtx(visibility);
          const req = await row.request(ctx);
          const key = keyOf(caller, row.scope);
          const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
          if (req.body !== undefined) headers['content-type'] = 'application/json';
          if (req.raw) headers['content-type'] = 'image/jpeg';
          Object.assign(headers, req.headers);
          const res = await fetch(`${t.url}${req.path}`, { method: methodOf(row.route), redirect: 'manual', headers, body: req.raw ?? (req.body === undefined ? undefined : JSON.stringify(req.body)) });
          await res.arrayBuffer();
          got.push(res.status);
          if (res.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="imgsvc"/);
        }
        expect(Object.fromEntries(CALLERS.map((c, i) => [c, got[i]]))).toEqual(Object.fromEntries(CALLERS.map((c, i) => [c, expected[i]])));
      });

      it(`${row.route} on a ${visibility} image, with the owner's session`, async () => {
        const owner = Number(row[visibility].split(' ')[CALLERS.indexOf('owner')]);
        const expected = SESSION_DIFFERS[row.route]?.[visibility] ?? owner;
        aliceSession ??= await signIn(t.url, 'alice', ALICE_PASSWORD);
        const req = await row.request(makeCtx(visibility));
        const headers: Record<string, string> = { cookie: aliceSession.cookie, 'x-csrf-token': aliceSession.csrfToken, 'sec-fetch-site': 'same-origin' };
        if (req.body !== undefined) headers['content-type'] = 'application/json';
        if (req.raw) headers['content-type'] = 'image/jpeg';
        Object.assign(headers, req.headers);
        const res = await fetch(`${t.url}${req.path}`, { method: methodOf(row.route), redirect: 'manual', headers, body: req.raw ?? (req.body === undefined ? undefined : JSON.stringify(req.body)) });
        await res.arrayBuffer();
        if (ENDS_SESSION.has(row.route)) aliceSession = undefined;
        expect(res.status).toBe(expected);
      });
    }
  }

  function makeCtx(visibility: 'public' | 'private'): Ctx {
    return {
      image: images[visibility],
      album: albums[visibility],
      freshAlbum: () => albumWith(images[visibility].id),
      freshComment: async () => {
        const made = await api(t.url, 'POST', `/v1/images/${images[visibility].id}/comments`, alice.key, { body: `fresh ${counter++}` });
        expect(made.status).toBe(201);
        return String(made.body.id);
      },
      fresh: async () => {
        const user = await createUser(t.url, t.adminKey, `fresh-${counter++}`);
        const token = await createKey(t.url, alice.key, ['images:read']);
        return { userId: user.id, keyId: token.split('_')[1]! };
      },
      freshImage: async (deleted = false) => {
        const up = await uploadBytes(t.url, jpegVariant(jpeg, `fresh-image-${counter++}`), 'image/jpeg', alice.key, `?visibility=${visibility}`);
        if (deleted) expect((await api(t.url, 'DELETE', `/v1/images/${String(up.body.id)}`, alice.key)).status).toBe(200);
        return String(up.body.id);
      },
    };
  }

  it('has a row for every route the service serves', () => {
    expect(ROWS.map((r) => r.route).sort()).toEqual(t.service.routes);
  });

  it('search finds only what each caller may see: anonymous the public, the viewer the private, a stranger never, the deleted nobody', async () => {
    const word = `matrixsearch${counter++}`;
    for (const v of ['public', 'private'] as const) expect((await api(t.url, 'PATCH', `/v1/images/${images[v].id}`, alice.key, { title: `${word} ${v}` })).status).toBe(200);
    const deleted = await uploadBytes(t.url, jpegVariant(jpeg, `matrix-search-${counter++}`), 'image/jpeg', alice.key, `?visibility=public&title=${word}`);
    expect((await api(t.url, 'DELETE', `/v1/images/${String(deleted.body.id)}`, alice.key)).status).toBe(200);
    const found = async (key: string | undefined, filter = '') => ((await api(t.url, 'GET', `/v1/search?q=${word}${filter}`, key)).body.items as { id: string }[]).map((i) => i.id).sort();
    const both = [images.public.id, images.private.id].sort();
    expect(await found(undefined)).toEqual([images.public.id]);
    expect(await found(alice.key)).toEqual(both);
    expect(await found(bob.key)).toEqual(both);
    expect(await found(carol.key)).toEqual([images.public.id]);
    // An admin's search spans owners' private images only with owner= (see docs/search.md, "The API").
    expect(await found(t.adminKey)).toEqual([images.public.id]);
    expect(await found(t.adminKey, `&owner=${alice.id}`)).toEqual(both);
    expect(await found(dave.key)).toEqual([images.public.id]);
  });

  it('tells a stranger nothing a missing id would not: same status, same body', async () => {
    const unknown = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
    for (const path of ['/v1/images/ID', '/i/ID', '/i/ID/thumb', '/v1/images/ID/original', '/v1/images/ID/srcset', '/v1/images/ID/comments']) {
      const hidden = await api(t.url, 'GET', path.replace('ID', images.private.id), carol.key);
      const missing = await api(t.url, 'GET', path.replace('ID', unknown), carol.key);
      expect(hidden.status).toBe(404);
      expect(JSON.stringify(hidden.body).replaceAll(images.private.id, 'ID')).toBe(JSON.stringify(missing.body).replaceAll(unknown, 'ID'));
    }
    // Issue 21: any Authorization header, good or bad, gets the same answer for a hidden image as for an unknown id.
    for (const key of [carol.key, keys.revoked!, keys.expired!, 'garbage']) {
      for (const path of ['/i/ID', '/i/ID/thumb']) {
        const hidden = await fetch(`${t.url}${path.replace('ID', images.private.id)}`, { headers: { authorization: `Bearer ${key}` } });
        const missing = await fetch(`${t.url}${path.replace('ID', unknown)}`, { headers: { authorization: `Bearer ${key}` } });
        expect([path, key === carol.key, hidden.status]).toEqual([path, key === carol.key, missing.status]);
        expect((await hidden.text()).replaceAll(images.private.id, 'ID')).toBe((await missing.text()).replaceAll(unknown, 'ID'));
      }
    }
    const sha = createHash('sha256').update(jpegVariant(jpeg, 'private')).digest('hex');
    const oracle = await api(t.url, 'GET', `/v1/images/sha256/${sha}`, carol.key);
    const nobody = await api(t.url, 'GET', `/v1/images/sha256/${'0'.repeat(64)}`, carol.key);
    expect(oracle.status).toBe(404);
    expect(JSON.stringify(oracle.body).replace(sha, 'SHA')).toBe(JSON.stringify(nobody.body).replace('0'.repeat(64), 'SHA'));
  });

  it('refuses tampered, expired and ambiguous signed URLs over HTTP', async () => {
    const minted = await api(t.url, 'POST', `/v1/images/${images.private.id}/signed-urls`, alice.key, { ttlSeconds: 60, variants: [{ w: 320, fmt: 'webp' }] });
    const url = (minted.body.urls as Record<string, string>).variant0!;
    expect((await fetch(url)).status).toBe(200);
    const status = async (u: string) => (await fetch(u)).status;
    expect(await status(url.replace('w=320', 'w=640'))).toBe(403);
    expect(await status(url.replace(/sig=(.)/, (_m, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`))).toBe(403);
    expect(await status(`${url}&sig=x`)).toBe(400);
    expect(await status(url.replace(/kid=[^&]+/, 'kid=retired'))).toBe(403);
    expect(await status(`${url}&q=90`)).toBe(403);
    const farAhead = await api(t.url, 'POST', `/v1/images/${images.private.id}/signed-urls`, alice.key, { ttlSeconds: 10 * 365 * 86_400 });
    expect(farAhead.status).toBe(400);
    const short = await api(t.url, 'POST', `/v1/images/${images.private.id}/signed-urls`, alice.key, { ttlSeconds: 10 });
    const expiring = (short.body.urls as Record<string, string>).default!;
    expect(await status(expiring)).toBe(200);
    await new Promise((r) => setTimeout(r, 11_000));
    expect(await status(expiring)).toBe(403);
  }, 30_000);

  it('ends signed URLs lent by a viewer with the viewer\'s access; the owner\'s switch ends them all', async () => {
    const lent = await api(t.url, 'POST', `/v1/images/${images.private.id}/signed-urls`, bob.key, { presets: ['thumb'] });
    const url = (lent.body.urls as Record<string, string>).thumb!;
    expect(new URL(url).searchParams.get('by')).toBe(bob.key.split('_')[1]);
    expect((await fetch(url)).status).toBe(200);
    const owners = (await api(t.url, 'POST', `/v1/images/${images.private.id}/signed-urls`, alice.key, { presets: ['thumb'] })).body.urls as Record<string, string>;
    expect(new URL(owners.thumb!).searchParams.get('by')).toBeNull();
    const other = await createUser(t.url, t.adminKey, `lender-${counter++}`);
    expect((await api(t.url, 'PUT', `/v1/me/viewers/${other.id}`, alice.key)).status).toBe(200);
    const hers = ((await api(t.url, 'POST', `/v1/images/${images.private.id}/signed-urls`, other.key, { presets: ['thumb'] })).body.urls as Record<string, string>).thumb!;
    expect((await fetch(hers)).status).toBe(200);
    expect((await api(t.url, 'DELETE', `/v1/me/viewers/${other.id}`, alice.key)).status).toBe(204);
    expect((await fetch(hers)).status).toBe(403);
    expect((await fetch(url)).status).toBe(200);
  });

  it('keeps private bytes out of shared caches', async () => {
    const byKey = await fetch(`${t.url}/i/${images.private.id}`, { headers: { authorization: `Bearer ${alice.key}` } });
    expect(byKey.headers.get('cache-control')).toBe('private, no-store');
    const pub = await fetch(`${t.url}/i/${images.public.id}`);
    expect(pub.headers.get('cache-control')).toMatch(/^public, max-age=31536000, immutable$/);
    const record = await api(t.url, 'GET', `/v1/images/${images.private.id}`, bob.key);
    expect(record.headers.get('cache-control')).toBe('private, no-store');
    const signed = (record.body.signedUrls as Record<string, string>).default!;
    const viaSig = await fetch(signed);
    expect(viaSig.status).toBe(200);
    const maxAge = Number(/max-age=(\d+)/.exec(viaSig.headers.get('cache-control') ?? '')?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(300);
    expect(viaSig.headers.get('cache-control')).not.toMatch(/immutable/);
    // Nothing about a private image's bytes is shared with other copies of them: no cache tier
    // (which would say someone else viewed the same file) and no content hash in its ETag.
    expect(viaSig.headers.get('x-imgsvc-cache')).toBeNull();
    expect(viaSig.headers.get('etag')).not.toContain(images.private.sha256.slice(0, 16));
    expect(pub.headers.get('x-imgsvc-cache')).not.toBeNull();
    // A bad key next to a good signature is still a bad key.
    expect((await fetch(signed, { headers: { authorization: 'Bearer garbage' } })).status).toBe(401);
    expect((await fetch(signed, { headers: { authorization: `Bearer ${keys.revoked}` } })).status).toBe(401);
  });
});
