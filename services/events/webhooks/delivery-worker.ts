import { webhookReader } from '../../access/webhook-access.js';
import type { Logger } from '../../core/logger.js';
import type { WebhookAllowLevel } from '../../core/webhook-settings.js';
import type { Delivery, DeliveryStore } from './delivery-store.js';
import { liveSecrets } from './endpoint.js';
import type { EndpointStore } from './endpoint-store.js';
import { fairShare } from './fair-share.js';
import { nextStep, type RetrySchedule } from './retry-schedule.js';
import type { SecretBox } from './secret-box.js';
import { sendAttempt } from './send-attempt.js';
import { signatureHeader } from './signature.js';
import type { WebhookOwners } from './webhook-owners.js';

export interface DeliveryWorkerOptions {
  timeoutMs: number;
  schedule: RetrySchedule;
  allow: WebhookAllowLevel;
  concurrency: number;
  /** The most attempts one owner's endpoints may have in flight in this worker. */
  ownerConcurrency: number;
  pollMs: number;
  /** How long a claimed delivery is this worker's; past it (the worker died) it is due again. */
  leaseMs: number;
  onAttempt?: (outcome: 'delivered' | 'failed' | 'gone' | 'dead') => void;
}

/**
 * Sends due deliveries, a few at a time, and records each attempt. At least once: a worker
 * killed between sending and recording leaves the delivery claimed until its lease runs out,
 * then another worker (or this one restarted) sends it again, with the same `webhook-id`.
 * Fair across owners: each owner's deliveries wait in a queue of their own, the worker serves
 * the owners with due work round-robin, and one owner holds at most `ownerConcurrency` of its
 * slots, so one tenant's slow receivers cannot delay another's.
 */
export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perOwner = new Map<string, number>();
  private lastServed: string | undefined;
  private stopped = false;

  constructor(
    private readonly deliveries: DeliveryStore,
    private readonly endpoints: EndpointStore,
    private readonly owners: WebhookOwners,
    private readonly box: SecretBox,
    private readonly o: DeliveryWorkerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = async () => {
      try {
        await this.claimSome();
      } catch (err) {
        this.logger.warn({ err }, 'claiming webhook deliveries failed; trying again');
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.o.pollMs);
    };
    void tick();
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    // Unfinished ones stay claimed and come due again when their lease runs out.
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  private async claimSome(): Promise<void> {
    const free = this.o.concurrency - this.inFlight.size;
    if (free <= 0) return;
    const now = Date.now();
    const ready = await this.deliveries.readyOwners(now);
    if (ready.length === 0) return;
    for (const share of fairShare({ ready, inFlight: this.perOwner, free, perOwner: this.o.ownerConcurrency, after: this.lastServed })) {
      const ids = await this.deliveries.claim(share.ownerId, now, this.o.leaseMs, share.count);
      this.lastServed = share.ownerId;
      for (const id of ids) this.launch(share.ownerId, id);
    }
  }

  private launch(ownerId: string, id: string): void {
    this.perOwner.set(ownerId, (this.perOwner.get(ownerId) ?? 0) + 1);
    const p = this.deliverOne(ownerId, id)
      .catch((err: unknown) => this.logger.warn({ err, deliveryId: id }, 'webhook delivery failed inside the worker; it is retried when its lease ends'))
      .finally(() => {
        this.inFlight.delete(p);
        const left = (this.perOwner.get(ownerId) ?? 1) - 1;
        if (left > 0) this.perOwner.set(ownerId, left);
        else this.perOwner.delete(ownerId);
      });
    this.inFlight.add(p);
  }

  private async deliverOne(ownerId: string, id: string): Promise<void> {
    const d = await this.deliveries.get(ownerId, id);
    if (!d) return;
    const endpoint = await this.endpoints.getOf(ownerId, d.endpointId);
    if (!endpoint) return this.deliveries.drop(d);
    const previous = d.status;
    const now = Date.now();
    if (!endpoint.enabled) {
      await this.deliveries.record({ ...d, status: 'dead', doneAt: now, nextAt: null, lastError: `endpoint disabled (${endpoint.disabledReason ?? 'manual'})` }, previous);
      return;
    }
    // The owner as they are now: a disabled user, or an admin no longer one, receives nothing more.
    if (!webhookReader(endpoint, await this.owners.get(endpoint.ownerId))) {
      await this.deliveries.record({ ...d, status: 'dead', doneAt: now, nextAt: null, lastError: 'the endpoint\'s owner may no longer receive it (disabled, or no longer an admin)' }, previous);
      return;
    }
    const secrets = liveSecrets(endpoint, now).map((s) => this.box.open(s.sealed, endpoint.id));
    const timestamp = Math.floor(now / 1000);
    const outcome = await sendAttempt({
      url: endpoint.url,
      body: d.body,
      timeoutMs: this.o.timeoutMs,
      allow: this.o.allow,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'imgsvc-webhooks/1',
        'webhook-id': d.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(secrets, d.eventId, timestamp, d.body),
      },
    });
    const after = Date.now();
    const attempts = d.attempts + 1;
    const step = nextStep(outcome, attempts, d.windowStart, after, this.o.schedule);
    const next: Delivery = {
      ...d,
      attempts,
      lastAttemptAt: after,
      lastStatus: outcome.kind === 'status' ? outcome.status : null,
      lastError: outcome.kind === 'error' ? outcome.error : outcome.status >= 300 ? `HTTP ${outcome.status}` : null,
      status: step.status === 'gone' ? 'dead' : step.status,
      nextAt: step.status === 'failed' ? step.nextAt : null,
      doneAt: step.status === 'failed' ? null : after,
    };
    if (step.status === 'gone') {
      next.lastError = 'the receiver answered 410 Gone: endpoint disabled';
      await this.disableGone(endpoint.id, after);
    }
    await this.deliveries.record(next, previous);
    this.o.onAttempt?.(step.status);
    this.logger.info({ deliveryId: d.id, endpointId: d.endpointId, eventId: d.eventId, status: next.status, httpStatus: next.lastStatus, attempts }, 'webhook attempt');
  }

  private async disableGone(endpointId: string, now: number): Promise<void> {
    const stored = await this.endpoints.read(endpointId);
    if (!stored || !stored.enabled) return;
    const at = new Date(now).toISOString();
    await this.endpoints.save({ ...stored, enabled: false, disabledReason: 'gone', disabledAt: at, updatedAt: at });
    this.logger.warn({ endpointId }, 'webhook endpoint answered 410 Gone: disabled');
  }
}
