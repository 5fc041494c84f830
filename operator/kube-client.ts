import {
  ApiException,
  CoordinationV1Api,
  CustomObjectsApi,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1Lease,
} from '@kubernetes/client-node';
import type { KubeObject } from '../cdk8s/image-service-chart.js';
import type { ImageServiceStatus } from '../cdk8s/image-service-spec.js';
import { collectionPath, IMAGE_SERVICE_REF, type KindRef } from './owned-kinds.js';

export const FIELD_MANAGER = 'imgsvc-operator';

export type WatchEvent = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; object: KubernetesObject } | { type: 'ERROR'; status: { code?: number; reason?: string; message?: string } };

/**
 * Everything the operator asks of the Kubernetes API, on @kubernetes/client-node. Objects are
 * read as plain JSON (no typed deserialisation), so what the operator compares is what the API
 * server sent.
 */
export class KubeClient {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;
  private readonly leases: CoordinationV1Api;
  private readonly watcher: Watch;

  constructor(readonly config: KubeConfig) {
    this.objects = KubernetesObjectApi.makeApiClient(config);
    this.custom = config.makeApiClient(CustomObjectsApi);
    this.leases = config.makeApiClient(CoordinationV1Api);
    this.watcher = new Watch(config);
  }

  static fromKubeconfig(text?: string): KubeClient {
    const kc = new KubeConfig();
    if (text) kc.loadFromString(text);
    else kc.loadFromDefault();
    return new KubeClient(kc);
  }

  async list(ref: KindRef, namespace: string | undefined, labelSelector?: string): Promise<{ items: KubernetesObject[]; resourceVersion: string }> {
    const list = await this.objects.list(ref.apiVersion, ref.kind, namespace, undefined, undefined, undefined, undefined, labelSelector);
    return { items: list.items.map(plain), resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  async get(ref: KindRef, namespace: string, name: string): Promise<KubernetesObject | undefined> {
    try {
      return plain(await this.objects.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name, namespace } }));
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }

  /** Server-side apply, forced: the operator owns what it declares. */
  async apply(object: KubeObject, fieldManager = FIELD_MANAGER): Promise<KubernetesObject> {
    return plain(await this.objects.patch(object as KubernetesObject, undefined, undefined, fieldManager, true, PatchStrategy.ServerSideApply));
  }

  async create(object: object): Promise<KubernetesObject> {
    return plain(await this.objects.create(object as KubernetesObject));
  }

  async mergePatch(target: { apiVersion: string; kind: string; metadata: { name: string; namespace: string } }, patch: object): Promise<KubernetesObject> {
    return plain(await this.objects.patch({ ...target, ...patch } as KubernetesObject, undefined, undefined, FIELD_MANAGER, undefined, PatchStrategy.MergePatch));
  }

  async delete(ref: { apiVersion: string; kind: string }, namespace: string, name: string): Promise<void> {
    try {
      await this.objects.delete({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name, namespace } }, undefined, undefined, undefined, undefined, 'Background');
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  }

  /** Writes only the status subresource, so a status write can never change the spec. */
  async patchStatus(namespace: string, name: string, status: ImageServiceStatus): Promise<void> {
    const [group, version] = IMAGE_SERVICE_REF.apiVersion.split('/') as [string, string];
    await this.custom.patchNamespacedCustomObjectStatus(
      { group, version, namespace, plural: IMAGE_SERVICE_REF.plural, name, body: { status } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  }

  /**
   * Opens a watch from `resourceVersion`. Events arrive in order; `done` is called once when the
   * stream ends for any reason. Returns a function that closes it.
   */
  async watch(ref: KindRef, namespace: string | undefined, resourceVersion: string, labelSelector: string | undefined, onEvent: (e: WatchEvent) => void, done: (err: unknown) => void, timeoutSeconds: number): Promise<() => void> {
    const controller = await this.watcher.watch(
      collectionPath(ref, namespace),
      { resourceVersion, allowWatchBookmarks: true, timeoutSeconds, ...(labelSelector ? { labelSelector } : {}) },
      (type: string, object: unknown) => {
        if (type === 'ERROR') onEvent({ type: 'ERROR', status: object as { code?: number } });
        else onEvent({ type: type as 'ADDED', object: object as KubernetesObject });
      },
      done,
    );
    return () => controller.abort();
  }

  readLease(namespace: string, name: string): Promise<V1Lease> {
    return this.leases.readNamespacedLease({ name, namespace });
  }

  createLease(namespace: string, body: V1Lease): Promise<V1Lease> {
    return this.leases.createNamespacedLease({ namespace, body });
  }

  /** Optimistic concurrency: the body's resourceVersion must be current, or the API answers 409. */
  replaceLease(namespace: string, name: string, body: V1Lease): Promise<V1Lease> {
    return this.leases.replaceNamespacedLease({ name, namespace, body });
  }
}

export function statusCode(err: unknown): number | undefined {
  if (err instanceof ApiException) return err.code;
  const code = (err as { code?: unknown; statusCode?: unknown } | undefined)?.statusCode ?? (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** client-node turns timestamps into Date objects; the operator works on the API's JSON. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
