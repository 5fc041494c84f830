import type { KubernetesObject } from '@kubernetes/client-node';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../cdk8s/build-input.js';
import type { Logger } from '../services/core/logger.js';
import { createTelemetry } from '../services/telemetry/telemetry.js';
import { imageServiceChanged, ownedObjectChanged } from './change-filter.js';
import { EventRecorder } from './event-recorder.js';
import type { KubeClient } from './kube-client.js';
import { LeaderElector } from './leader-election.js';
import { ListWatcher } from './list-watch.js';
import type { OperatorConfig } from './operator-config.js';
import { createOperatorMetrics } from './operator-metrics.js';
import { startOperatorServer } from './operator-server.js';
import { IMAGE_SERVICE_REF, OWNED_KINDS } from './owned-kinds.js';
import { Reconciler } from './reconciler.js';
import { WorkQueue } from './work-queue.js';

export interface RunningOperator {
  url: string;
  readonly isLeader: boolean;
  /** Resolves when nothing is queued or being reconciled (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The operator process: serves health and metrics at once, campaigns for the Lease, and only
 * while leading runs the watches (ImageServices, and every kind they own) and the work queue.
 * Losing the lease stops both, so two replicas never act at the same time.
 */
export async function runOperator(config: OperatorConfig, client: KubeClient, logger: Logger): Promise<RunningOperator> {
  const telemetry = createTelemetry({ role: 'operator', instance: config.identity });
  let queue: WorkQueue | undefined;
  let watchers: ListWatcher[] = [];
  let synced = false;
  let resync: NodeJS.Timeout | undefined;
  const metrics = createOperatorMetrics(telemetry.meter, { queueDepth: () => queue?.depth ?? 0, isLeader: () => elector.isLeader });
  let watchersByKind = new Map<string, ListWatcher>();
  const reconciler = new Reconciler(
    client,
    logger,
    metrics,
    {
      objects: (kind) => watchersByKind.get(kind)?.objects() ?? [],
      remember: (object) => watchersByKind.get(object.kind ?? '')?.remember(object),
    },
    new EventRecorder(client, config.identity, logger),
  );

  const startControllers = () => {
    let cachesSynced: Promise<unknown> = Promise.resolve();
    const q = new WorkQueue(
      async (key) => {
        // Decisions read the caches (pruning, the replicas handover): never act on a partial one.
        await cachesSynced;
        // Leadership can lapse between ticks (a stalled process); never write without it.
        if (!elector.isLeader) return {};
        const [namespace, name] = key.split('/') as [string, string];
        return reconciler.reconcile(namespace, name);
      },
      { concurrency: config.concurrency, baseDelayMs: 500, maxDelayMs: 300_000 },
      (key, err, retryInMs) => logger.warn({ imageService: key, err: String(err).split('\n')[0], retryInMs }, 'reconcile failed: will retry'),
    );
    queue = q;
    const keyOf = (o: KubernetesObject) => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
    const ownerKey = (o: KubernetesObject) => {
      const owner = o.metadata?.ownerReferences?.find((r) => r.controller && r.kind === IMAGE_SERVICE_REF.kind);
      return owner ? `${o.metadata?.namespace ?? 'default'}/${owner.name}` : undefined;
    };
    const primary: ListWatcher = new ListWatcher(
      client,
      {
        ref: IMAGE_SERVICE_REF,
        ...(config.watchNamespace ? { namespace: config.watchNamespace } : {}),
        onObject: (o, deleted, previous) => {
          if (!deleted && imageServiceChanged(previous, o)) q.add(keyOf(o));
        },
        onRestart: (reason) => metrics.watchRestarted(IMAGE_SERVICE_REF.kind, reason),
      },
      logger,
    );
    // Changes to owned objects (a Deployment's pods became ready, someone deleted a Service)
    // bring their owner back to the queue.
    const owned = OWNED_KINDS.map(
      (ref) =>
        new ListWatcher(
          client,
          {
            ref,
            ...(config.watchNamespace ? { namespace: config.watchNamespace } : {}),
            labelSelector: `${MANAGED_BY_LABEL}=${MANAGED_BY}`,
            onObject: (o, deleted, previous) => {
              const key = ownerKey(o);
              if (key && primary.has(key) && ownedObjectChanged(previous, o, deleted)) q.add(key);
            },
            onRestart: (reason) => metrics.watchRestarted(ref.kind, reason),
          },
          logger,
        ),
    );
    watchers = [primary, ...owned];
    watchersByKind = new Map(OWNED_KINDS.map((ref, i) => [ref.kind, owned[i]!]));
    for (const w of watchers) w.start();
    cachesSynced = Promise.all(watchers.map((w) => w.hasSynced));
    void cachesSynced.then(() => {
      synced = true;
      logger.info({ imageServices: primary.objects().length }, 'caches synced');
    });
    // A periodic resync repairs drift that produced no event (an edit while disconnected).
    resync = setInterval(() => {
      for (const o of primary.objects()) q.add(keyOf(o));
    }, config.resyncSeconds * 1000);
    resync.unref();
  };

  const stopControllers = async () => {
    clearInterval(resync);
    for (const w of watchers) w.stop();
    watchers = [];
    synced = false;
    const q = queue;
    queue = undefined;
    await q?.stop();
  };

  const elector: LeaderElector = new LeaderElector(
    client,
    {
      namespace: config.leaseNamespace,
      name: config.leaseName,
      identity: config.identity,
      leaseDurationSeconds: config.leaseDurationSeconds,
      renewDeadlineSeconds: config.renewDeadlineSeconds,
      retryPeriodSeconds: config.retryPeriodSeconds,
    },
    { onStartedLeading: startControllers, onStoppedLeading: () => void stopControllers() },
    logger,
  );

  const { server, url } = await startOperatorServer(config.host, config.port, telemetry, () => ({
    ready: !elector.isLeader || synced,
    leader: elector.isLeader,
  }));
  elector.start();
  logger.info({ url, identity: config.identity, watchNamespace: config.watchNamespace ?? '(all)' }, 'imgsvc operator started');

  return {
    url,
    get isLeader() {
      return elector.isLeader;
    },
    idle: async () => {
      await queue?.idle();
    },
    stop: async () => {
      // Controllers stop before the lease is released, so no write happens after a successor may start.
      await stopControllers();
      await elector.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await telemetry.shutdown();
    },
  };
}
