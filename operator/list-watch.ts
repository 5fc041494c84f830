import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../services/core/logger.js';
import { backoffMs } from './backoff.js';
import { statusCode, type KubeClient } from './kube-client.js';
import type { KindRef } from './owned-kinds.js';

export interface ListWatchOptions {
  ref: KindRef;
  namespace?: string;
  labelSelector?: string;
  /** Every object seen, on list and on each event; `deleted` for DELETED; `previous` as cached before. */
  onObject: (object: KubernetesObject, deleted: boolean, previous: KubernetesObject | undefined) => void;
  /** Each completed (re)list, with everything it returned. */
  onList?: (items: KubernetesObject[]) => void;
  onRestart?: (reason: 'gone' | 'error' | 'closed') => void;
  /** Server-side watch timeout: watches are renewed on this period, as client-go does. */
  watchTimeoutSeconds?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * List, then watch from the list's resourceVersion; on a normal end, watch again from the last
 * version seen; on 410 Gone (history compacted) list again; on errors, retry after a bounded
 * exponential backoff that resets once a watch is delivering events.
 */
export class ListWatcher {
  /** The informer cache: every object the list and watch have delivered, by namespace/name. */
  private readonly cache = new Map<string, KubernetesObject>();
  private resourceVersion = '';
  private failures = 0;
  private stopped = false;
  private closeWatch: (() => void) | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private synced!: () => void;
  /** Resolves after the first complete list. */
  readonly hasSynced = new Promise<void>((resolve) => (this.synced = resolve));

  constructor(
    private readonly client: KubeClient,
    private readonly options: ListWatchOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.closeWatch?.();
  }

  /** Whether the cache holds `namespace/name`. */
  has(key: string): boolean {
    return this.cache.has(key);
  }

  /** The cached objects (as of the last event): what a reconcile reads instead of listing. */
  objects(): KubernetesObject[] {
    return [...this.cache.values()];
  }

  /**
   * Write-through of an object the operator just wrote (the API's response), so the next
   * reconcile does not decide on the state before its own write; the watch event that follows
   * carries the same object.
   */
  remember(object: KubernetesObject): void {
    this.cache.set(`${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`, object);
  }

  private deliver(object: KubernetesObject, deleted: boolean): void {
    const key = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    const previous = this.cache.get(key);
    if (deleted) this.cache.delete(key);
    else this.cache.set(key, object);
    this.options.onObject(object, deleted, previous);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    const { ref, namespace, labelSelector } = this.options;
    try {
      const { items, resourceVersion } = await this.client.list(ref, namespace, labelSelector);
      this.resourceVersion = resourceVersion;
      // Objects deleted while no watch was open are only noticed by their absence from the list.
      const listed = new Set(items.map((i) => `${i.metadata?.namespace ?? ''}/${i.metadata?.name ?? ''}`));
      for (const [key, gone] of [...this.cache]) if (!listed.has(key)) this.deliver(gone, true);
      for (const item of items) this.deliver(item, false);
      this.options.onList?.(items);
      this.synced();
    } catch (err) {
      return this.retry(err, 'list', () => this.relist());
    }
    await this.watch();
  }

  private async watch(): Promise<void> {
    if (this.stopped) return;
    const { ref, namespace, labelSelector } = this.options;
    let gone = false;
    let ended = false;
    const end = (err: unknown) => {
      if (ended || this.stopped) return;
      ended = true;
      this.closeWatch = undefined;
      if (gone || statusCode(err) === 410) {
        this.options.onRestart?.('gone');
        this.logger.info({ kind: ref.kind, resourceVersion: this.resourceVersion }, 'watch history expired (410 Gone): relisting');
        void this.relist();
      } else if (err) {
        void this.retry(err, 'watch', () => this.watch());
      } else {
        this.options.onRestart?.('closed');
        void this.watch();
      }
    };
    try {
      const timeout = this.options.watchTimeoutSeconds ?? 300;
      this.closeWatch = await this.client.watch(
        ref,
        namespace,
        this.resourceVersion,
        labelSelector,
        (event) => {
          if (event.type === 'ERROR') {
            if (event.status.code === 410) gone = true;
            else this.logger.warn({ kind: ref.kind, status: event.status }, 'watch error event');
            this.closeWatch?.();
            end(gone ? undefined : new Error(event.status.message ?? 'watch error'));
            return;
          }
          this.failures = 0;
          const rv = event.object.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (event.type !== 'BOOKMARK') this.deliver(event.object, event.type === 'DELETED');
        },
        end,
        // Spread renewals so several watches do not reconnect in lockstep.
        Math.round(timeout * (0.75 + Math.random() * 0.5)),
      );
      if (ended) this.closeWatch?.();
    } catch (err) {
      end(err);
    }
  }

  private retry(err: unknown, what: string, again: () => Promise<void>): void {
    if (this.stopped) return;
    const delay = backoffMs(this.failures++, this.options.baseDelayMs ?? 200, this.options.maxDelayMs ?? 30_000);
    this.options.onRestart?.('error');
    this.logger.warn({ kind: this.options.ref.kind, err: describe(err), retryInMs: delay }, `${what} failed: retrying`);
    this.retryTimer = setTimeout(() => void again(), delay);
  }
}

function describe(err: unknown): string {
  const code = statusCode(err);
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return code ? `HTTP ${code}: ${message}` : (message ?? 'unknown error');
}
