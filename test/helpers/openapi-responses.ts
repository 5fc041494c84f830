import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { apiDocument } from '../../services/runtime/api-operations.js';

/**
 * Checks each response the shared HTTP helpers receive against the service's OpenAPI document:
 * the route and the status must be described, and a JSON body must match its schema. A
 * mismatch throws, so the test that made the request fails with what differed.
 */
type Json = Record<string, unknown>;
interface Route {
  method: string;
  template: string;
  re: RegExp;
  literals: number;
  responses: Record<string, Json>;
}

let routes: Route[] | undefined;
let ajv: Ajv2020 | undefined;
const validators = new Map<string, ValidateFunction>();
let enabled = true;

/** For a test that means to send what the API does not describe (it checks the answer itself). */
export function validateResponses(on: boolean): void {
  enabled = on;
}

function load(): Route[] {
  if (routes) return routes;
  const doc = apiDocument();
  // validateFormats off: formats in the document are annotations (ISO times are checked by pattern where it matters).
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(doc, 'openapi');
  routes = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    const segments = template.split('/');
    const re = new RegExp(`^${segments.map((s) => (/^\{.+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
    for (const [method, op] of Object.entries(item)) {
      routes.push({ method: method.toUpperCase(), template, re, literals: segments.filter((s) => !s.startsWith('{')).length, responses: op.responses as Record<string, Json> });
    }
  }
  // A literal segment beats a parameter (/v1/images/sha256/{sha256} before /v1/images/{id}/…).
  routes.sort((a, b) => b.literals - a.literals);
  return routes;
}

const pointer = (parts: string[]) => parts.map((p) => encodeURIComponent(p.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

export function checkResponse(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  if (!enabled) return;
  const { pathname } = new URL(url);
  const m = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const route = load().find((r) => r.method === m && r.re.test(pathname));
  const where = `${method.toUpperCase()} ${pathname} → ${status}`;
  if (!route) throw new Error(`OpenAPI: ${where}: no operation describes ${m} ${pathname}`);
  const response = route.responses[String(status)];
  if (!response) throw new Error(`OpenAPI: ${where}: status ${status} is not described for ${m} ${route.template} (described: ${Object.keys(route.responses).join(', ')})`);
  const content = response.content as Record<string, Json> | undefined;
  const isJson = (contentType ?? '').startsWith('application/json');
  if (method.toUpperCase() === 'HEAD' || status === 204 || status === 304) return;
  if (!content?.['application/json']) {
    if (isJson) throw new Error(`OpenAPI: ${where}: a JSON body where the document describes ${content ? Object.keys(content).join(', ') : 'none'}`);
    return;
  }
  if (!isJson) throw new Error(`OpenAPI: ${where}: expected application/json but received ${contentType ?? 'no Content-Type'}`);
  const ref = `openapi#/${pointer(['paths', route.template, m.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema'])}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv!.getSchema(ref);
    if (!validate) throw new Error(`OpenAPI: cannot compile ${ref}`);
    validators.set(ref, validate);
  }
  if (!validate(body)) {
    const problems = (validate.errors ?? []).slice(0, 8).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`);
    throw new Error(`OpenAPI: ${where}: the body does not match the document: ${problems.join('; ')}\n${JSON.stringify(body).slice(0, 600)}`);
  }
}
