/**
 * Patch semantics of the API server, as far as this fake needs them:
 * - merge patch (RFC 7386); strategic merge patch is treated the same way (lists replace);
 * - JSON patch (RFC 6902) add/replace/remove/test;
 * - server-side apply: each field manager owns the leaf fields it applied or wrote; a field
 *   another manager owns with a different value is a conflict unless forced, and forcing takes
 *   it over (managers that set the same value keep sharing it); fields a manager applied
 *   before and no longer applies are removed unless another manager still owns them. Lists are
 *   atomic (owned as a whole), which is what CRD lists without list-type markers are anyway.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}

export function jsonPatch(target: Json, ops: { op: string; path: string; value?: Json }[]): Json {
  const doc = structuredClone(target);
  for (const op of ops) {
    const parts = op.path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = parts.pop();
    if (last === undefined) throw new Error(`invalid path ${op.path}`);
    let parent: Json = doc;
    for (const p of parts) {
      parent = (parent as Obj)[p] as Json;
      if (parent === undefined || parent === null) throw new Error(`path ${op.path} does not exist`);
    }
    const container = parent as Obj & Json[];
    if (op.op === 'test') {
      if (JSON.stringify(container[last]) !== JSON.stringify(op.value)) throw new Error(`test failed at ${op.path}`);
    } else if (op.op === 'remove') {
      if (Array.isArray(container)) container.splice(Number(last), 1);
      else delete container[last];
    } else if (op.op === 'add' && Array.isArray(container)) {
      container.splice(last === '-' ? container.length : Number(last), 0, op.value as Json);
    } else if (op.op === 'add' || op.op === 'replace') {
      container[last] = op.value as Json;
    } else throw new Error(`unsupported op ${op.op}`);
  }
  return doc;
}

/** Metadata the server owns: never part of anyone's field set. */
const SERVER_FIELDS = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'deletionTimestamp', 'selfLink']);

/** Leaf paths of an applied configuration (`spec\0template\0…`), lists and empty objects as leaves. */
export function fieldPaths(config: Json, prefix: string[] = []): string[] {
  if (!isObj(config) || Object.keys(config).length === 0) return [prefix.join('\0')];
  const out: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (prefix.length === 0 && (key === 'apiVersion' || key === 'kind' || key === 'status')) continue;
    if (prefix.length === 1 && prefix[0] === 'metadata' && SERVER_FIELDS.has(key)) continue;
    out.push(...fieldPaths(value, [...prefix, key]));
  }
  return out;
}

/** The `fieldsV1` form of a field set, as managedFields shows it. */
export function toFieldsV1(paths: Iterable<string>): Obj {
  const root: Obj = {};
  for (const path of paths) {
    let node = root;
    for (const part of path.split('\0')) node = (node[`f:${part}`] ??= {}) as Obj;
  }
  return root;
}

export function fromFieldsV1(fields: Json | undefined, prefix: string[] = []): string[] {
  if (!isObj(fields) || Object.keys(fields).length === 0) return prefix.length ? [prefix.join('\0')] : [];
  return Object.entries(fields).flatMap(([k, v]) => fromFieldsV1(v, [...prefix, k.replace(/^f:/, '')]));
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Obj;
  subresource?: string;
}

export class ApplyConflict extends Error {
  constructor(readonly conflicts: { manager: string; field: string }[]) {
    super(`Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${conflicts.map((c) => `conflict with "${c.manager}": .${c.field.split('\0').join('.')}`).join('; ')}`);
  }
}

export function serverSideApply(live: Obj | undefined, config: Obj, manager: string, force: boolean, apiVersion: string, now: string): Obj {
  const entries = ((live?.metadata as Obj | undefined)?.managedFields ?? []) as unknown as ManagedFieldsEntry[];
  const applied = new Set(fieldPaths(config));
  const others = entries.filter((e) => e.manager !== manager || e.operation !== 'Apply');
  const conflicts: { manager: string; field: string }[] = [];
  for (const other of others) {
    for (const path of fromFieldsV1(other.fieldsV1)) {
      if (applied.has(path) && live && JSON.stringify(get(live, path)) !== JSON.stringify(get(config, path))) conflicts.push({ manager: other.manager, field: path });
    }
  }
  if (conflicts.length > 0 && !force) throw new ApplyConflict(conflicts);

  let result: Obj = structuredClone(live ?? {});
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const stillOwned = new Set(others.flatMap((e) => fromFieldsV1(e.fieldsV1)));
  for (const path of previous ? fromFieldsV1(previous.fieldsV1) : []) {
    if (!applied.has(path) && !stillOwned.has(path)) remove(result, path);
  }
  result = deepMerge(result, config) as Obj;
  // Forcing takes ownership: the fields leave the other managers' sets.
  const nextEntries: ManagedFieldsEntry[] = others
    .map((e) => ({ ...e, fieldsV1: toFieldsV1(fromFieldsV1(e.fieldsV1).filter((p) => !applied.has(p) || JSON.stringify(get(live ?? {}, p)) === JSON.stringify(get(config, p)))) }))
    .filter((e) => Object.keys(e.fieldsV1).length > 0);
  nextEntries.push({ manager, operation: 'Apply', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(applied) });
  (result.metadata as Obj).managedFields = nextEntries as unknown as Json;
  return result;
}

/** Records an Update (create, PUT, merge patch) by a manager: it owns the fields it wrote. */
export function recordUpdate(obj: Obj, written: Json, manager: string, apiVersion: string, now: string, subresource?: string): void {
  const meta = obj.metadata as Obj;
  const entries = ((meta.managedFields ?? []) as unknown as ManagedFieldsEntry[]).filter((e) => !(e.manager === manager && e.operation === 'Update' && e.subresource === subresource));
  const paths = fieldPaths(written).filter((p) => p !== '');
  if (paths.length > 0) {
    entries.push({ manager, operation: 'Update', apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(paths), ...(subresource ? { subresource } : {}) });
  }
  meta.managedFields = entries as unknown as Json;
}

function deepMerge(target: Json | undefined, source: Json): Json {
  if (!isObj(source) || !isObj(target)) return structuredClone(source);
  const out: Obj = { ...target };
  for (const [k, v] of Object.entries(source)) out[k] = deepMerge(out[k], v);
  return out;
}

function get(obj: Json, path: string): Json | undefined {
  let node: Json | undefined = obj;
  for (const part of path.split('\0')) node = isObj(node) ? node[part] : undefined;
  return node;
}

function remove(obj: Obj, path: string): void {
  const parts = path.split('\0');
  const chain: Obj[] = [obj];
  for (const part of parts.slice(0, -1)) {
    const next = chain[chain.length - 1]![part];
    if (!isObj(next)) return;
    chain.push(next);
  }
  delete chain[chain.length - 1]![parts[parts.length - 1]!];
  // Objects emptied by the removal go too, as the API server's apply does.
  for (let i = chain.length - 1; i > 0; i--) {
    if (Object.keys(chain[i]!).length === 0) delete chain[i - 1]![parts[i - 1]!];
  }
}

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
