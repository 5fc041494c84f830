import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import type { Logger } from '../services/core/logger.js';
import { statusCode, type KubeClient } from './kube-client.js';

export interface LeaderElectionOptions {
  namespace: string;
  name: string;
  identity: string;
  /** How long a lease is honoured after its holder last renewed it. */
  leaseDurationSeconds: number;
  /** The leader gives up if it cannot renew within this long; below the lease duration. */
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

/**
 * Leader election on a coordination.k8s.io Lease, after client-go's: a candidate takes the lease
 * when it is free or when the record has not changed for a lease duration *by its own clock*
 * (never comparing other nodes' timestamps); every write carries the resourceVersion it read,
 * so of two candidates exactly one wins (the other gets 409); a leader that cannot renew before
 * its deadline stops leading before anyone else may start; on shutdown it releases the lease.
 */
export class LeaderElector {
  private observedRecord = '';
  private observedAt = 0;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  /** When the last successful renew was *sent*: never later than the write itself. */
  private lastRenew = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly options: LeaderElectionOptions,
    private readonly callbacks: { onStartedLeading: () => void; onStoppedLeading: () => void },
    private readonly logger: Logger,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /**
   * Leading, and still within the renew deadline of the last successful renew. Measured from
   * when that renew was sent, the deadline ends before anyone else may take the lease (they wait
   * a whole lease duration from when they saw it), whatever delays the event loop had.
   */
  get isLeader(): boolean {
    return this.leading && this.clock() - this.lastRenew < this.options.renewDeadlineSeconds * 1000;
  }

  start(): void {
    void this.tick();
  }

  /**
   * Stops campaigning; a leader releases the lease so a standby takes over at once.
   * `release: false` leaves it to expire, as a crashed leader does (tests).
   */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadlineTimer);
    if (!this.leading) return;
    this.setLeading(false);
    if (!release) return;
    try {
      const lease = await this.client.readLease(this.options.namespace, this.options.name);
      if (lease.spec?.holderIdentity === this.options.identity) {
        lease.spec = { ...lease.spec, holderIdentity: undefined, leaseDurationSeconds: 1, renewTime: microTime(this.clock()) } as V1Lease['spec'];
        await this.client.replaceLease(this.options.namespace, this.options.name, lease);
      }
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'could not release the leader lease; it will expire');
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const sentAt = this.clock();
    try {
      const held = await this.tryAcquireOrRenew();
      if (held && !this.stopped) {
        this.lastRenew = sentAt;
        if (!this.leading) this.setLeading(true);
        this.armDeadline();
      } else if (this.leading) {
        this.setLeading(false);
      }
    } catch (err) {
      this.logger.warn({ err: String(err).split('\n')[0] }, 'leader election: lease request failed');
      this.armDeadline();
    }
    if (!this.stopped) {
      const jitter = this.leading ? 1 : 1 + Math.random() * 0.2;
      this.timer = setTimeout(() => void this.tick(), this.options.retryPeriodSeconds * 1000 * jitter);
    }
  }

  /** Steps down when the renew deadline passes without a successful renew (a stalled or cut-off leader). */
  private armDeadline(): void {
    clearTimeout(this.deadlineTimer);
    if (!this.leading) return;
    if (!this.isLeader) {
      this.logger.error('leader election: could not renew before the deadline; stepping down');
      this.setLeading(false);
      return;
    }
    // Timers may fire a little early by the wall clock: check again then, until the deadline has passed.
    const remaining = this.lastRenew + this.options.renewDeadlineSeconds * 1000 - this.clock();
    this.deadlineTimer = setTimeout(() => this.armDeadline(), Math.max(1, remaining + 1));
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity, leaseDurationSeconds } = this.options;
    const now = this.clock();
    let lease: V1Lease;
    try {
      lease = await this.client.readLease(namespace, name);
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
      const fresh: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name, namespace },
        spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 },
      };
      return this.write(() => this.client.createLease(namespace, fresh));
    }
    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
    const holder = spec.holderIdentity ?? '';
    const duration = (spec.leaseDurationSeconds ?? leaseDurationSeconds) * 1000;
    const mine = holder === identity;
    if (!mine && holder !== '' && now < this.observedAt + duration) return false;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds,
      renewTime: microTime(now),
      ...(mine ? {} : { acquireTime: microTime(now), leaseTransitions: (spec.leaseTransitions ?? 0) + (holder === '' ? 0 : 1) }),
    } as V1Lease['spec'];
    return this.write(() => this.client.replaceLease(namespace, name, lease));
  }

  private async write(request: () => Promise<V1Lease>): Promise<boolean> {
    try {
      const written = await request();
      const s = written.spec ?? {};
      this.observedRecord = JSON.stringify([s.holderIdentity, s.renewTime, s.leaseDurationSeconds]);
      this.observedAt = this.clock();
      return true;
    } catch (err) {
      // Another candidate wrote first (409 on replace, 409 AlreadyExists on create): not ours.
      if (statusCode(err) === 409) return false;
      throw err;
    }
  }

  private setLeading(leading: boolean): void {
    this.leading = leading;
    this.logger.info({ identity: this.options.identity, lease: `${this.options.namespace}/${this.options.name}` }, leading ? 'became leader' : 'stopped leading');
    if (leading) this.callbacks.onStartedLeading();
    else this.callbacks.onStoppedLeading();
  }
}

/** Lease times are MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): V1MicroTime {
  return new V1MicroTime(ms);
}
