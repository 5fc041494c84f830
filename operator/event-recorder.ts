import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from '../services/core/logger.js';
import type { KubeClient } from './kube-client.js';

export type EventType = 'Normal' | 'Warning';

/** What `kubectl describe` shows under Events; only the parts the operator sets. */
export interface EventSubject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
}

const DEDUP_WINDOW_MS = 10 * 60_000;

/**
 * Kubernetes Events about an ImageService: what `kubectl describe imageservice` lists. As
 * client-go's recorder does, a repeat of the same event within ten minutes bumps the existing
 * one's count instead of adding another. Recording never fails a reconcile: events are advice.
 */
export class EventRecorder {
  private readonly recent = new Map<string, { name: string; count: number; at: number }>();

  constructor(
    private readonly client: KubeClient,
    private readonly identity: string,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(subject: EventSubject, type: EventType, reason: string, message: string): Promise<void> {
    const namespace = subject.metadata.namespace ?? 'default';
    const key = `${subject.metadata.uid}/${type}/${reason}/${message}`;
    const at = this.now();
    const timestamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const seen = this.recent.get(key);
    try {
      if (seen && at.getTime() - seen.at < DEDUP_WINDOW_MS) {
        seen.count++;
        seen.at = at.getTime();
        await this.client.mergePatch({ apiVersion: 'v1', kind: 'Event', metadata: { name: seen.name, namespace } }, { count: seen.count, lastTimestamp: timestamp });
        return;
      }
      const created = (await this.client.create({
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { generateName: `${subject.metadata.name}.`, namespace },
        involvedObject: { apiVersion: subject.apiVersion, kind: subject.kind, name: subject.metadata.name, namespace, uid: subject.metadata.uid },
        type,
        reason,
        message: message.slice(0, 1024),
        source: { component: 'imgsvc-operator' },
        reportingComponent: 'imgsvc-operator',
        reportingInstance: this.identity,
        firstTimestamp: timestamp,
        lastTimestamp: timestamp,
        count: 1,
      })) as KubernetesObject;
      this.recent.set(key, { name: created.metadata?.name ?? '', count: 1, at: at.getTime() });
      if (this.recent.size > 1000) this.recent.delete(this.recent.keys().next().value!);
    } catch (err) {
      this.logger.warn({ reason, err: String(err).split('\n')[0] }, 'could not record an event');
    }
  }
}
