import { randomUUID } from 'node:crypto';
import { validateBuiltin } from './builtin-validation.js';
import { defaultAndPrune, validate } from './crd-validation.js';
import { alreadyExists, conflict, invalid, notFound } from './kube-error.js';
import type { FieldMatcher } from './field-selector.js';
import type { LabelMatcher } from './label-selector.js';
import { isObj, recordUpdate, type Json } from './patching.js';
import { apiVersionOf, BUILTIN_TYPES, typesFromCrd, type ResourceType } from './resource-types.js';

export type Obj = { [key: string]: Json };
export type Meta = { name: string; namespace?: string; uid: string; resourceVersion: string; generation?: number; labels?: Record<string, string>; ownerReferences?: { uid: string }[]; finalizers?: string[]; deletionTimestamp?: string; creationTimestamp: string };
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoredEvent {
  rv: number;
  key: string;
  type: WatchEventType;
  object: Obj;
  previous?: Obj;
}
/** An open watch: the store hands it every event of its type; the watch does its own filtering. */
export interface Watcher {
  key: string;
  send(event: StoredEvent): void;
  expire(): void;
}

const HISTORY = 2_000;

export const typeKey = (t: Pick<ResourceType, 'group' | 'plural'>) => `${t.group}/${t.plural}`;
export const metaOf = (o: Obj) => o.metadata as unknown as Meta;

/**
 * The fake API server's state: objects per resource type, one global resourceVersion, a bounded
 * event history for watches (older versions get 410 Gone), generation bumps on spec changes,
 * finalizers, and background cascading deletion through owner references.
 */
export class KubeStore {
  readonly types = new Map<string, ResourceType>();
  private readonly objects = new Map<string, Map<string, Obj>>();
  private readonly history: StoredEvent[] = [];
  readonly watchers = new Set<Watcher>();
  private rv = 100;
  /** Versions at or below this are gone from the history: watching from them is 410 Gone. */
  compactedRv = 100;

  constructor(private readonly now: () => Date = () => new Date()) {
    for (const t of BUILTIN_TYPES) this.register(t);
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  typeFor(group: string, version: string, plural: string): ResourceType | undefined {
    const t = this.types.get(`${group}/${plural}`);
    return t && t.version === version ? t : undefined;
  }

  list(t: ResourceType, namespace: string | undefined, matches: LabelMatcher, fields: FieldMatcher = () => true): Obj[] {
    const all = [...(this.objects.get(typeKey(t))?.values() ?? [])];
    return all
      .filter((o) => (namespace === undefined || metaOf(o).namespace === namespace) && matches(metaOf(o).labels) && fields(o))
      .sort((a, b) => `${metaOf(a).namespace}/${metaOf(a).name}`.localeCompare(`${metaOf(b).namespace}/${metaOf(b).name}`))
      .map((o) => structuredClone(o));
  }

  get(t: ResourceType, namespace: string | undefined, name: string): Obj {
    const found = this.objects.get(typeKey(t))?.get(this.id(t, namespace, name));
    if (!found) throw notFound(this.resourceName(t), name);
    return structuredClone(found);
  }

  tryGet(t: ResourceType, namespace: string | undefined, name: string): Obj | undefined {
    const found = this.objects.get(typeKey(t))?.get(this.id(t, namespace, name));
    return found ? structuredClone(found) : undefined;
  }

  /** `manager` null: the body already carries its managedFields (a create through apply). */
  create(t: ResourceType, namespace: string | undefined, body: Obj, manager: string | null = 'unknown'): Obj {
    const meta = (isObj(body.metadata) ? body.metadata : {}) as Obj;
    const name = (meta.name as string | undefined) ?? (meta.generateName ? `${meta.generateName as string}${randomUUID().slice(0, 5)}` : undefined);
    if (!name) throw invalid(t.kind, '', ['metadata.name: Required value: name or generateName is required']);
    if (t.namespaced && namespace !== undefined && namespace !== 'default' && t.kind !== 'Namespace') {
      if (!this.tryGet(this.types.get('/namespaces')!, undefined, namespace)) throw notFound('namespaces', namespace);
    }
    if (this.objects.get(typeKey(t))?.has(this.id(t, namespace, name))) throw alreadyExists(this.resourceName(t), name);
    const obj: Obj = structuredClone(body);
    obj.apiVersion = apiVersionOf(t);
    obj.kind = t.kind;
    const { managedFields, ...userMeta } = meta;
    obj.metadata = {
      ...userMeta,
      name,
      ...(t.namespaced ? { namespace: namespace ?? 'default' } : {}),
      uid: randomUUID(),
      creationTimestamp: this.timestamp(),
      generation: 1,
      ...(manager === null && managedFields ? { managedFields } : {}),
    } as Obj;
    if (t.statusSubresource && t.kind !== 'Namespace') delete obj.status;
    this.applyDefaults(t, obj);
    this.check(t, obj, undefined);
    if (manager !== null) recordUpdate(obj, body, manager, apiVersionOf(t), this.timestamp());
    return this.commit(t, obj, 'ADDED');
  }

  /**
   * Replaces an object. `expectedRv` (from the body) must match when given: a stale write is 409.
   * `subresource` 'status' changes only status; a main-resource write never changes status
   * where status is a subresource.
   */
  update(t: ResourceType, namespace: string | undefined, name: string, next: Obj, opts: { subresource?: string; manager?: string; written?: Json } = {}): Obj {
    const current = this.get(t, namespace, name);
    const expectedRv = (isObj(next.metadata) ? next.metadata.resourceVersion : undefined) as string | undefined;
    if (expectedRv !== undefined && expectedRv !== '' && expectedRv !== metaOf(current).resourceVersion) {
      throw conflict(this.resourceName(t), name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    let obj: Obj;
    if (opts.subresource === 'status') {
      obj = { ...current, status: next.status ?? null };
      if (obj.status === null) delete obj.status;
    } else {
      obj = structuredClone(next);
      const keep = metaOf(current);
      const meta = (isObj(obj.metadata) ? obj.metadata : {}) as Obj;
      obj.metadata = { ...meta, name: keep.name, uid: keep.uid, creationTimestamp: keep.creationTimestamp, generation: keep.generation ?? 1, ...(keep.namespace ? { namespace: keep.namespace } : {}), ...(keep.deletionTimestamp ? { deletionTimestamp: keep.deletionTimestamp } : {}) } as Obj;
      if (t.statusSubresource) {
        if (current.status === undefined) delete obj.status;
        else obj.status = current.status;
      }
      obj.apiVersion = apiVersionOf(t);
      obj.kind = t.kind;
      this.applyDefaults(t, obj);
      if (specOf(obj) !== specOf(current)) (obj.metadata as Obj).generation = (keep.generation ?? 1) + 1;
    }
    this.check(t, obj, current);
    if (opts.manager && opts.written !== undefined) recordUpdate(obj, opts.written, opts.manager, apiVersionOf(t), this.timestamp(), opts.subresource);
    if (JSON.stringify(withoutRv(obj)) === JSON.stringify(withoutRv(current))) return current;
    // Finalizers emptied on an object being deleted: it goes now.
    if (metaOf(obj).deletionTimestamp && (metaOf(obj).finalizers ?? []).length === 0) return this.remove(t, obj);
    return this.commit(t, obj, 'MODIFIED');
  }

  delete(t: ResourceType, namespace: string | undefined, name: string, propagation = 'Background'): Obj {
    const current = this.get(t, namespace, name);
    if ((metaOf(current).finalizers ?? []).length > 0) {
      if (metaOf(current).deletionTimestamp) return current;
      (current.metadata as Obj).deletionTimestamp = this.timestamp();
      return this.commit(t, current, 'MODIFIED');
    }
    return this.remove(t, current, propagation);
  }

  /** Sends 410 Gone to every open watch and forgets the history, as etcd compaction does. */
  expireWatches(): void {
    this.compactedRv = this.rv;
    this.history.length = 0;
    for (const w of [...this.watchers]) w.expire();
  }

  eventsSince(rv: number, key: string): StoredEvent[] {
    return this.history.filter((e) => e.rv > rv && e.key === key);
  }

  private remove(t: ResourceType, obj: Obj, propagation = 'Background'): Obj {
    const meta = metaOf(obj);
    this.objects.get(typeKey(t))?.delete(this.id(t, meta.namespace, meta.name));
    const gone = this.commit(t, obj, 'DELETED', false);
    if (t.kind === 'CustomResourceDefinition') {
      for (const ct of typesFromCrd(obj as { spec: Obj })) {
        for (const o of this.list(ct, undefined, () => true)) this.remove(ct, o);
        this.types.delete(typeKey(ct));
      }
    }
    if (propagation !== 'Orphan') this.collectGarbage(meta.uid);
    return gone;
  }

  /** Background cascading deletion: dependents whose every owner is gone are deleted too. */
  private collectGarbage(ownerUid: string): void {
    for (const t of this.types.values()) {
      for (const o of this.list(t, undefined, () => true)) {
        const refs = metaOf(o).ownerReferences ?? [];
        if (!refs.some((r) => r.uid === ownerUid)) continue;
        const remaining = refs.filter((r) => r.uid !== ownerUid && this.uidExists(r.uid));
        if (remaining.length === 0) this.delete(t, metaOf(o).namespace, metaOf(o).name);
      }
    }
  }

  private uidExists(uid: string): boolean {
    for (const objs of this.objects.values()) for (const o of objs.values()) if (metaOf(o).uid === uid) return true;
    return false;
  }

  private applyDefaults(t: ResourceType, obj: Obj): void {
    if (t.schema) {
      const defaulted = defaultAndPrune(t.schema, obj) as Obj;
      for (const k of Object.keys(obj)) delete obj[k];
      Object.assign(obj, defaulted);
    }
    // The API server's defaulting: a Deployment without replicas runs one.
    if (t.kind === 'Deployment' && isObj(obj.spec) && obj.spec.replicas === undefined) obj.spec.replicas = 1;
  }

  private check(t: ResourceType, obj: Obj, old: Obj | undefined): void {
    const problems = t.schema ? validate(t.schema, obj, old) : validateBuiltin(t, obj);
    if (problems.length > 0) throw invalid(t.kind, metaOf(obj).name, problems);
  }

  private commit(t: ResourceType, obj: Obj, type: WatchEventType, store = true): Obj {
    const key = typeKey(t);
    const previous = this.objects.get(key)?.get(this.id(t, metaOf(obj).namespace, metaOf(obj).name));
    this.rv++;
    (obj.metadata as Obj).resourceVersion = String(this.rv);
    if (store) {
      if (!this.objects.has(key)) this.objects.set(key, new Map());
      this.objects.get(key)!.set(this.id(t, metaOf(obj).namespace, metaOf(obj).name), obj);
    }
    if (t.kind === 'CustomResourceDefinition' && type !== 'DELETED') for (const ct of typesFromCrd(obj as { spec: Obj })) this.register(ct);
    const event: StoredEvent = { rv: this.rv, key, type, object: structuredClone(obj), ...(previous ? { previous: structuredClone(previous) } : {}) };
    this.history.push(event);
    if (this.history.length > HISTORY) this.compactedRv = this.history.shift()!.rv;
    for (const w of this.watchers) if (w.key === key) w.send(event);
    if (store && type !== 'DELETED') this.collectIfOrphaned(t, obj);
    return structuredClone(obj);
  }

  /**
   * The garbage collector also deletes dependents written after their owner was gone (a
   * controller that read the owner just before its deletion): every owner reference dangling.
   */
  private collectIfOrphaned(t: ResourceType, obj: Obj): void {
    const refs = metaOf(obj).ownerReferences ?? [];
    if (refs.length === 0 || refs.some((r) => this.uidExists(r.uid))) return;
    const { namespace, name, uid } = metaOf(obj);
    setImmediate(() => {
      const current = this.tryGet(t, namespace, name);
      if (current && metaOf(current).uid === uid && !(metaOf(current).ownerReferences ?? []).some((r) => this.uidExists(r.uid))) this.delete(t, namespace, name);
    });
  }

  private register(t: ResourceType): void {
    this.types.set(typeKey(t), t);
  }

  private id(t: ResourceType, namespace: string | undefined, name: string): string {
    return t.namespaced ? `${namespace ?? 'default'}/${name}` : name;
  }

  private resourceName(t: ResourceType): string {
    return t.group ? `${t.plural}.${t.group}` : t.plural;
  }

  private timestamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
}

/** What counts as a spec change for `generation`: everything but metadata and status. */
function specOf(o: Obj): string {
  const { metadata: _m, status: _s, ...rest } = o;
  return JSON.stringify(rest);
}

/** For the no-op check: an ownership change is a change, a new timestamp on the same ownership is not. */
function withoutRv(o: Obj): Obj {
  const { managedFields, resourceVersion: _r, ...meta } = o.metadata as Obj;
  const owners = ((managedFields ?? []) as Obj[]).map(({ time: _t, ...entry }) => entry);
  return { ...o, metadata: { ...meta, managedFields: owners } };
}

