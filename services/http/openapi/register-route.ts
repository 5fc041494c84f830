import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { parseBody } from '../parse-body.js';
import type { ApiOperation } from './operation.js';
import { parseParams, parseQuery } from './parse-request.js';

type Parsed<Op, K extends 'params' | 'query' | 'body'> = Op extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a handler is given: the request's parts parsed with its operation's schemas, and who is asking. */
export interface RouteCall<Op extends ApiOperation, P> {
  req: Request;
  res: Response;
  /** An operation that needs a key (`auth: 'key'`) only reaches its handler with a signed-in user. */
  principal: Op['auth'] extends 'key' ? Extract<P, { kind: 'user' }> : P;
  params: Parsed<Op, 'params'>;
  query: Parsed<Op, 'query'>;
  body: Parsed<Op, 'body'>;
}

export type RouteHandler<Op extends ApiOperation, P> = (call: RouteCall<Op, P>) => Promise<void> | void;

/** How a registrar learns who may call an operation: given by access/ (http/ imports no role). */
export interface RouteAuth<P> {
  /** The middleware that refuses an operation's unwelcome callers (401, 403) before anything of the request is read. */
  admit(op: ApiOperation): RequestHandler[];
  principal(res: Response): P;
}

export interface RouteOptions {
  /** Middleware run after admission and before parsing (a same-origin check, an upload slot). */
  before?: RequestHandler[];
}

/**
 * Registers operations from their objects: `router[op.method](op.path)`, the operation's
 * admission, then its params, query and JSON body parsed with its schemas (a 400 naming each
 * problem), so method, path, scope and parsing are written once, where the OpenAPI document
 * reads them too.
 */
export function routeRegistrar<P>(auth: RouteAuth<P>) {
  return function route<const Op extends ApiOperation>(router: Router, op: Op, handler: RouteHandler<Op, P>, options: RouteOptions = {}): void {
    router[op.method](op.path, ...auth.admit(op), ...(options.before ?? []), async (req: Request, res: Response) => {
      const params = op.params ? parseParams(op.params, req) : undefined;
      const query = op.query ? parseQuery(op.query, req) : undefined;
      const body = op.body ? parseBody(op.body, req.body) : undefined;
      // The cast is admission's promise: admit(op) has already refused anyone the principal type excludes.
      await handler({ req, res, principal: auth.principal(res), params, query, body } as RouteCall<Op, P>);
    });
  };
}

/** For operations open to everyone (`auth: 'none'`: probes, docs, the web app's files), which need no access/. */
export const openRoute = routeRegistrar<undefined>({
  admit: (op) => {
    if (op.auth !== 'none') throw new Error(`${op.operationId} (auth ${op.auth}) must be registered with access/'s route, which checks its callers`);
    return [];
  },
  principal: () => undefined,
});
