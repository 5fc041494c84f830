import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { loadBuiltinModels } from './builtin-validation.js';
import { apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import { badRequest, KubeError } from './kube-error.js';
import { KubeStore, metaOf, typeKey, type Obj, type StoredEvent, type Watcher } from './kube-store.js';
import { parseFieldSelector, type FieldMatcher } from './field-selector.js';
import { parseLabelSelector } from './label-selector.js';
import { ApplyConflict, isObj, jsonPatch, mergePatch, serverSideApply, type Json } from './patching.js';
import { apiVersionOf, BUILTIN_TYPES, type ResourceType } from './resource-types.js';
import { openApiGroupVersion, openApiRoot } from './openapi.js';
import { toTable } from './table.js';

export interface Fault {
  method?: string;
  /** Matched against the request path (no query). */
  path?: RegExp;
  /** An HTTP status to answer with, or 'drop' to destroy the connection without an answer. */
  status: number | 'drop';
  times: number;
}

/**
 * A loopback Kubernetes API server for tests, faithful to the parts of the API the operator and
 * kubectl use (see CONTRIBUTING.md, "Kubernetes without a cluster"). No authentication: it listens on 127.0.0.1 only.
 */
export class FakeApiServer {
  readonly store: KubeStore;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly faults: Fault[] = [];
  /** Every request seen, for assertions ("the operator relisted after 410"). */
  readonly requests: { method: string; path: string; query: string }[] = [];
  url = '';

  private constructor(now?: () => Date) {
    this.store = new KubeStore(now);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(options: { now?: () => Date } = {}): Promise<FakeApiServer> {
    await loadBuiltinModels(BUILTIN_TYPES);
    const fake = new FakeApiServer(options.now);
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.store.create(fake.type('', 'namespaces'), undefined, { metadata: { name: 'default' } });
    return fake;
  }

  injectFault(fault: Omit<Fault, 'times'> & { times?: number }): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** Closes every open connection, watches included, as an API server restart or LB reset does. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  type(group: string, plural: string): ResourceType {
    const t = this.store.types.get(`${group}/${plural}`);
    if (!t) throw new Error(`no resource type ${group}/${plural}`);
    return t;
  }

  /** A kubeconfig for kubectl and client-node pointing at this server. */
  kubeconfig(namespace = 'default'): string {
    return [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: fake',
      `  cluster: { server: "${this.url}", insecure-skip-tls-verify: true }`, // plain HTTP on loopback; client-node requires this flag for http://
      'users:',
      '- name: tester',
      '  user: { token: fake-token }',
      'contexts:',
      '- name: fake',
      `  context: { cluster: fake, user: tester, namespace: ${namespace} }`,
      'current-context: fake',
      '',
    ].join('\n');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.search });
    const fault = this.faults.find((f) => f.times > 0 && (!f.method || f.method === req.method) && (!f.path || f.path.test(url.pathname)));
    if (fault) {
      fault.times--;
      if (fault.status === 'drop') return void req.socket.destroy();
      const reason = fault.status === 429 ? 'TooManyRequests' : 'InternalError';
      if (fault.status === 429) res.setHeader('Retry-After', '1');
      return this.sendError(res, new KubeError(fault.status, reason, `injected ${fault.status}`));
    }
    try {
      const body = await readBody(req);
      this.route(req, res, url, body);
    } catch (err) {
      this.sendError(res, err);
    }
  }

  private route(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: string): void {
    const parts = url.pathname.split('/').filter(Boolean);
    const method = req.method ?? 'GET';
    if (url.pathname === '/version') return send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.0-imgsvc-fake', platform: 'linux/amd64' });
    if (url.pathname === '/healthz' || url.pathname === '/readyz') return void res.end('ok');
    if (url.pathname === '/api') return send(res, 200, apiVersions());
    if (url.pathname === '/openapi/v3') return send(res, 200, openApiRoot(this.store.types.values(), this.store.resourceVersion));
    if (url.pathname.startsWith('/openapi/v3/')) {
      const doc = openApiGroupVersion(this.store.types.values(), url.pathname.slice('/openapi/v3/'.length));
      if (doc) return send(res, 200, doc);
    }
    if (url.pathname === '/apis') return send(res, 200, apiGroupList(this.store.types.values()));
    let group: string;
    let version: string;
    let rest: string[];
    if (parts[0] === 'api' && parts[1]) [group, version, rest] = ['', parts[1], parts.slice(2)];
    else if (parts[0] === 'apis' && parts[1] && parts[2]) [group, version, rest] = [parts[1], parts[2], parts.slice(3)];
    else throw new KubeError(404, 'NotFound', `the server could not find the requested resource (${url.pathname})`);
    if (rest.length === 0) {
      const list = apiResourceList(this.store.types.values(), group, version);
      if (!list) throw new KubeError(404, 'NotFound', `the server could not find the requested resource`);
      return send(res, 200, list);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const [plural, name, subresource] = rest as [string, string | undefined, string | undefined];
    const t = this.store.typeFor(group, version, plural);
    if (!t) throw new KubeError(404, 'NotFound', `the server could not find the requested resource (${method} ${plural}.${group})`);
    if (!t.namespaced) namespace = undefined;
    if (subresource && !(subresource === 'status' && t.statusSubresource)) throw new KubeError(404, 'NotFound', `no subresource ${subresource}`);
    const q = url.searchParams;
    const manager = q.get('fieldManager') ?? userAgentManager(req);

    if (method === 'GET' && !name) {
      const matches = parseLabelSelector(q.get('labelSelector'));
      let fields: FieldMatcher;
      try {
        fields = parseFieldSelector(q.get('fieldSelector'));
      } catch (err) {
        throw badRequest((err as Error).message);
      }
      if (q.get('watch') === 'true' || q.get('watch') === '1') return this.watch(req, res, t, namespace, matches, fields, q);
      const items = this.store.list(t, namespace, matches, fields);
      if (wantsTable(req)) return send(res, 200, toTable(t, items, this.store.resourceVersion, new Date(), q.get('includeObject') === 'Object'));
      return send(res, 200, { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata: { resourceVersion: this.store.resourceVersion }, items });
    }
    if (method === 'GET' && name) {
      const obj = this.store.get(t, namespace, name);
      if (wantsTable(req)) return send(res, 200, toTable(t, [obj], this.store.resourceVersion, new Date(), q.get('includeObject') === 'Object'));
      return send(res, 200, obj);
    }
    if (method === 'POST' && !name) return send(res, 201, this.store.create(t, namespace, parseBody(req, rawBody) as Obj, manager));
    if (!name) throw new KubeError(405, 'MethodNotAllowed', `${method} is not supported on a collection here`);
    if (method === 'PUT') {
      const body = parseBody(req, rawBody) as Obj;
      return send(res, 200, this.store.update(t, namespace, name, body, { ...(subresource ? { subresource } : {}), manager, written: body }));
    }
    if (method === 'DELETE') {
      const options = rawBody ? (parseBody(req, rawBody) as { propagationPolicy?: string }) : {};
      const gone = this.store.delete(t, namespace, name, q.get('propagationPolicy') ?? options.propagationPolicy ?? 'Background');
      return send(res, 200, gone);
    }
    if (method === 'PATCH') return send(res, 200, this.patch(req, t, namespace, name, subresource, parseBody(req, rawBody), q, manager));
    throw new KubeError(405, 'MethodNotAllowed', `${method} is not allowed`);
  }

  private patch(req: IncomingMessage, t: ResourceType, namespace: string | undefined, name: string, subresource: string | undefined, body: Json, q: URLSearchParams, manager: string): Obj {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
    const live = this.store.tryGet(t, namespace, name);
    const sub = subresource ? { subresource } : {};
    if (type === 'application/apply-patch+yaml') {
      if (!q.get('fieldManager')) throw badRequest('PATCH with apply-patch+yaml requires a fieldManager');
      if (!isObj(body)) throw badRequest('apply configuration must be an object');
      const applied = subresource === 'status' ? { ...body, metadata: { ...(body.metadata as Obj), name } } : body;
      let next: Obj;
      try {
        next = serverSideApply(live, applied, manager, q.get('force') === 'true', apiVersionOf(t), new Date().toISOString());
      } catch (err) {
        if (err instanceof ApplyConflict) throw new KubeError(409, 'Conflict', err.message);
        throw err;
      }
      if (!live) return this.store.create(t, namespace, { ...next, metadata: { ...(next.metadata as Obj), name } }, null);
      (next.metadata as Obj).resourceVersion = metaOf(live).resourceVersion;
      return this.store.update(t, namespace, name, next, sub);
    }
    if (!live) throw new KubeError(404, 'NotFound', `${t.plural} "${name}" not found`);
    let next: Json;
    if (type === 'application/merge-patch+json' || type === 'application/strategic-merge-patch+json') next = mergePatch(live, body);
    else if (type === 'application/json-patch+json') next = jsonPatch(live, body as { op: string; path: string; value?: Json }[]);
    else throw new KubeError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format: ${type}`);
    const patched = next as Obj;
    // A patch carries a resourceVersion only when the client asks for the precondition.
    const expected = isObj(body) && isObj(body.metadata) ? body.metadata.resourceVersion : undefined;
    (patched.metadata as Obj).resourceVersion = (expected as string | undefined) ?? metaOf(live).resourceVersion;
    return this.store.update(t, namespace, name, patched, { ...sub, manager, written: Array.isArray(body) ? {} : body });
  }

  private watch(req: IncomingMessage, res: ServerResponse, t: ResourceType, namespace: string | undefined, matches: ReturnType<typeof parseLabelSelector>, fields: FieldMatcher, q: URLSearchParams): void {
    const from = q.get('resourceVersion');
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    const write = (type: string, object: unknown) => {
      if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify({ type, object })}\n`);
    };
    const gone = () => {
      write('ERROR', new KubeError(410, 'Expired', `too old resource version: ${from ?? ''} (${this.store.compactedRv})`).toStatus());
      if (!res.writableEnded) res.end();
    };
    const visible = (o: Obj | undefined) => o !== undefined && (namespace === undefined || metaOf(o).namespace === namespace) && matches(metaOf(o).labels) && fields(o);
    const deliver = (e: StoredEvent) => {
      const now = visible(e.object);
      const before = e.type !== 'ADDED' && visible(e.previous);
      if (e.type === 'DELETED') {
        if (now) write('DELETED', e.object);
      } else if (now) write(before || e.type === 'ADDED' ? e.type : 'ADDED', e.object);
      else if (before) write('DELETED', e.object);
    };
    const watcher: Watcher = { key: typeKey(t), send: deliver, expire: gone };
    if (from && from !== '0') {
      if (Number(from) < this.store.compactedRv) return gone();
      for (const e of this.store.eventsSince(Number(from), typeKey(t))) deliver(e);
    } else {
      for (const o of this.store.list(t, namespace, matches, fields)) write('ADDED', o);
    }
    this.store.watchers.add(watcher);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    const close = () => {
      clearTimeout(timer);
      this.store.watchers.delete(watcher);
    };
    res.on('close', close);
    res.on('finish', close);
  }

  private sendError(res: ServerResponse, err: unknown): void {
    const e = err instanceof KubeError ? err : new KubeError(500, 'InternalError', err instanceof Error ? err.message : String(err));
    if (res.headersSent) return void res.end();
    send(res, e.code, e.toStatus());
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? '');
}

function userAgentManager(req: IncomingMessage): string {
  return (req.headers['user-agent'] ?? 'unknown').split('/')[0] ?? 'unknown';
}

function parseBody(req: IncomingMessage, raw: string): Json {
  if (!raw) return {};
  if ((req.headers['content-type'] ?? '').includes('protobuf')) {
    throw new KubeError(415, 'UnsupportedMediaType', 'this fake API server speaks JSON and YAML only, not protobuf');
  }
  try {
    return (req.headers['content-type'] ?? '').includes('yaml') ? (parseYaml(raw) as Json) : (JSON.parse(raw) as Json);
  } catch (err) {
    throw badRequest(`cannot parse the request body: ${(err as Error).message}`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
