import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { forbidden } from '../../core/errors.js';
import { errorHandler } from '../error-handler.js';
import { listRoutes } from '../list-routes.js';
import { errorResponse } from './common-schemas.js';
import { defineOperations, type ApiOperation } from './operation.js';
import { withErrorCode } from './parse-request.js';
import { openRoute, routeRegistrar } from './register-route.js';

type Caller = { kind: 'anonymous' } | { kind: 'user'; userId: string; scopes: string[] };

const ops = defineOperations({
  putThing: {
    method: 'put', path: '/v1/things/:id', operationId: 'putThing', summary: 's', tags: ['things'], auth: 'key', scope: 'images:write',
    params: z.object({ id: z.string().regex(/^[0-9]{3}$/, 'expected three digits') }),
    query: z.object({ n: z.string().regex(/^[0-9]+$/, 'expected digits').transform(Number).optional(), after: withErrorCode(z.string().optional(), 'invalid_cursor') }),
    body: z.strictObject({ name: z.string().min(1, 'expected a name') }),
    responses: { 200: { description: 'ok' }, 400: errorResponse('bad') },
  },
  probe: {
    method: 'head', path: '/probe', operationId: 'probe', summary: 's', tags: ['things'], auth: 'none',
    responses: { 200: { description: 'ok' } },
  },
});

describe('routeRegistrar', () => {
  const admitted: ApiOperation[] = [];
  const seen: unknown[] = [];
  // A stand-in for access/: the caller comes from a header; the scope from the operation object.
  const route = routeRegistrar<Caller>({
    admit: (op) => {
      admitted.push(op);
      const check: RequestHandler = (req, res, next) => {
        const scopes = req.get('x-scopes');
        res.locals.caller = scopes === undefined ? { kind: 'anonymous' } : { kind: 'user', userId: 'u1', scopes: scopes.split(',') };
        if (op.scope && !scopes?.split(',').includes(op.scope)) throw forbidden('insufficient_scope', `needs ${op.scope}`);
        next();
      };
      return [check];
    },
    principal: (res) => res.locals.caller as Caller,
  });
  const app = express();
  app.use(express.json());
  const router = express.Router();
  route(router, ops.putThing, ({ res, principal, params, query, body }) => {
    // Typed from the operation: a key route's principal is a user, the query's `n` a number.
    seen.push({ userId: principal.userId, id: params.id, n: query.n, name: body.name });
    res.json({ ok: true });
  });
  openRoute(router, ops.probe, ({ res }) => {
    res.status(200).end();
  });
  app.use(router);
  app.use(errorHandler());
  let server: ReturnType<typeof app.listen>;
  let base: string;
  const put = (path: string, body: unknown, scopes?: string) =>
    fetch(`${base}${path}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...(scopes ? { 'x-scopes': scopes } : {}) }, body: JSON.stringify(body) });

  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('registers the method and path the operation object names, and asks admission about that object', () => {
    expect(listRoutes(app)).toEqual(['HEAD /probe', 'PUT /v1/things/:id']);
    expect(admitted).toEqual([ops.putThing]);
  });

  it('admits before anything is parsed: the scope comes from the object', async () => {
    const res = await put('/v1/things/x', { name: '' }, 'images:read');
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('insufficient_scope');
  });

  it('parses params, query and body with the object\'s schemas: 400 naming what is wrong', async () => {
    const cases: [string, unknown, string, string][] = [
      ['/v1/things/12', { name: 'a' }, 'invalid_id', 'id: expected three digits'],
      ['/v1/things/123?n=many', { name: 'a' }, 'invalid_parameter', 'n: expected digits'],
      ['/v1/things/123?after=a&after=b', { name: 'a' }, 'invalid_cursor', 'after: '],
      ['/v1/things/123', { name: '' }, 'invalid_body', 'name: expected a name'],
      ['/v1/things/123', { name: 'a', extra: 1 }, 'invalid_body', 'body: unknown field(s) "extra"'],
    ];
    for (const [path, body, code, message] of cases) {
      const res = await put(path, body, 'images:write');
      expect(res.status, path).toBe(400);
      const error = ((await res.json()) as { error: { code: string; message: string } }).error;
      expect(error.code, path).toBe(code);
      expect(error.message, path).toContain(message);
    }
    expect(seen).toEqual([]);
  });

  it('hands the handler the parsed values and the principal', async () => {
    const res = await put('/v1/things/123?n=7&other=x', { name: 'a' }, 'images:write');
    expect(res.status).toBe(200);
    expect(seen).toEqual([{ userId: 'u1', id: '123', n: 7, name: 'a' }]);
  });

  it('registers through openRoute only what is open to everyone', () => {
    expect(() => openRoute(express.Router(), ops.putThing, () => undefined)).toThrow(/putThing \(auth key\) must be registered with access/);
  });
});
