import type { Redis } from 'ioredis';
import type { RequestRecorder } from '../analytics/request-recorder.js';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import type { WorkTracker } from '../core/work-tracker.js';
import type { EventSink } from '../events/event-sink.js';
import type { EndpointStore } from '../events/webhooks/endpoint-store.js';
import type { SecretBox } from '../events/webhooks/secret-box.js';
import type { CheckResult } from '../http/health-routes.js';
import type { HttpMetrics } from '../http/http-metrics.js';
import type { ImageIndex } from '../images/image-index.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { AccessParts } from './compose-access.js';
import type { Durability } from './compose-durability.js';
import type { RoleParts } from './role-parts.js';
import type { SharingParts } from './sharing-parts.js';

/** What the Express app is composed from (runtime/build-app.ts and the route groups it mounts). */
export interface AppDeps {
  config: Config;
  /** What this process's role runs (runtime/role-parts.ts). */
  parts: RoleParts;
  logger: Logger;
  redis: Redis;
  store: ObjectStore;
  index: ImageIndex;
  telemetry: Telemetry;
  httpMetrics: HttpMetrics;
  recorder: RequestRecorder;
  tmpDir: string;
  work: WorkTracker;
  decodeConcurrency: number;
  probeTimeoutSeconds: number;
  isAccepting: () => boolean;
  access: AccessParts;
  /** The sharing stores, shared with the background work and the `/i/` path. */
  sharing: SharingParts;
  /** Where the sharing writers append their events (the index has the same one). */
  events: EventSink;
  /** Webhook endpoints and the key that seals their secrets. */
  webhooks: { endpoints: EndpointStore; box: SecretBox };
  roleChecks?: () => Record<string, CheckResult>;
  /** Re-adoption, the replica wait and the rebuild-window gate (runtime/compose-durability.ts). */
  durability?: Pick<Durability, 'readopt' | 'afterPivot' | 'writeGate'>;
}
