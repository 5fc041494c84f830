import { Ajv, type ValidateFunction } from 'ajv';
import { parse as parseCel } from '@marcbachmann/cel-js';

/**
 * What the API server does with a custom resource against its CRD's structural schema:
 * apply defaults, prune unknown fields, validate the OpenAPI constraints, then evaluate the
 * CEL rules (x-kubernetes-validations), transition rules only when there is an old object.
 */
export type Schema = { [key: string]: unknown };

const ajv = new Ajv({ strict: false, allErrors: true });
const compiled = new WeakMap<Schema, ValidateFunction>();

export function defaultAndPrune(schema: Schema, value: unknown): unknown {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true || schema['x-kubernetes-int-or-string'] === true) return value;
  if (Array.isArray(value) && schema.items) return value.map((v) => defaultAndPrune(schema.items as Schema, v));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  const props = schema.properties as Record<string, Schema> | undefined;
  const additional = schema.additionalProperties as Schema | undefined;
  if (props) {
    for (const [key, sub] of Object.entries(props)) {
      const v = value[key] === undefined && sub.default !== undefined ? structuredClone(sub.default) : value[key];
      if (v !== undefined) out[key] = defaultAndPrune(sub, v);
    }
  } else if (additional) {
    for (const [key, v] of Object.entries(value)) out[key] = defaultAndPrune(additional, v);
  } else if (schema.type === 'object' && !props) {
    return value;
  }
  return out;
}

/** Problems in the form the API server words them: `<path>: Invalid value: …: <message>`. */
export function validate(schema: Schema, value: unknown, old?: unknown): string[] {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  const problems: string[] = [];
  if (!fn(value)) {
    for (const e of fn.errors ?? []) problems.push(`${pathOf(e.instancePath)}: Invalid value: ${e.message ?? 'invalid'}`);
  }
  evaluateRules(schema, value, old, '', problems);
  return problems;
}

function evaluateRules(schema: Schema, value: unknown, old: unknown, path: string, problems: string[]): void {
  if (value === undefined) return;
  const rules = (schema['x-kubernetes-validations'] ?? []) as { rule: string; message?: string }[];
  for (const { rule, message } of rules) {
    const transition = /\boldSelf\b/.test(rule);
    if (transition && old === undefined) continue;
    let ok: unknown;
    try {
      ok = parseCel(rule)({ self: toCel(value), ...(transition ? { oldSelf: toCel(old) } : {}) });
    } catch (err) {
      problems.push(`${pathOf(path)}: Invalid value: rule "${rule}" failed to evaluate: ${(err as Error).message}`);
      continue;
    }
    if (ok !== true) problems.push(`${pathOf(path)}: Invalid value: "object": ${message ?? `failed rule: ${rule}`}`);
  }
  const props = schema.properties as Record<string, Schema> | undefined;
  if (props && isObject(value)) {
    for (const [key, sub] of Object.entries(props)) {
      evaluateRules(sub, value[key], isObject(old) ? old[key] : undefined, `${path}/${key}`, problems);
    }
  }
  if (schema.items && Array.isArray(value)) {
    value.forEach((v, i) => evaluateRules(schema.items as Schema, v, undefined, `${path}/${i}`, problems));
  }
}

/** Kubernetes CEL sees integers as int64 and numbers as double; JSON only has numbers. */
function toCel(value: unknown): unknown {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(toCel);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCel(v)]));
  return value;
}

function pathOf(pointer: string): string {
  return pointer.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') || '<root>';
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
