import type { ChainableCommander } from 'ioredis';
import { appendEvent, DEFAULT_EVENT_RETENTION_MS, eventScriptArgs } from './event-log.js';
import type { NewEvent } from './event-types.js';

/**
 * The event log as the writers see it: the retention (IMGSVC_EVENT_RETENTION) bound once at
 * composition, so every append trims in the same command and no writer reads config.
 */
export class EventSink {
  constructor(readonly retentionMs: number = DEFAULT_EVENT_RETENTION_MS) {}

  /** Queues the events on the MULTI that carries their change. */
  queue(tx: ChainableCommander, events: readonly NewEvent[]): ChainableCommander {
    for (const e of events) appendEvent(tx, e, this.retentionMs);
    return tx;
  }

  /**
   * For a script that appends at most one event: the argument count followed by the XADD
   * arguments (none for no event), so ARGV reads `n, args…` and the script's own args follow.
   */
  scriptArgs(event: NewEvent | undefined): string[] {
    if (!event) return ['0'];
    const args = eventScriptArgs(event, this.retentionMs);
    return [String(args.length), ...args];
  }
}
