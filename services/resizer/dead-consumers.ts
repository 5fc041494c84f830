import type { ConsumerInfo } from './resize-consumers.js';

/**
 * Consumers known dead: no live heartbeat, and silent for at least the heartbeat TTL. The
 * second condition spares a consumer that still reads but never wrote a heartbeat (a resizer
 * of an older version during a rolling update); a live consumer busy with a long job keeps its
 * heartbeat, so its job is never taken.
 */
export function deadConsumers(consumers: ConsumerInfo[], alive: ReadonlySet<string>, self: string, heartbeatTtlMs: number): ConsumerInfo[] {
  return consumers.filter((c) => c.name !== self && !alive.has(c.name) && c.idleMs >= heartbeatTtlMs);
}
