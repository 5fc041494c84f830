import type { Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { parseEvent } from './event-log.js';
import type { ImgsvcEvent } from './event-types.js';

type StreamEntry = [id: string, fields: string[]];

export interface EventConsumerOptions {
  /** The consumer group: one per kind of consumer (notifications, webhooks, …). */
  group: string;
  /** This process's name in the group (pod name + pid, say). */
  consumer: string;
  /** Where a new group starts: `0` replays what the stream still holds, `$` only what comes next. */
  startAt?: '0' | '$';
  count?: number;
  blockMs?: number;
  /** Entries another consumer held this long without acknowledging are taken over (it died). */
  reclaimIdleMs?: number;
}

/**
 * Reads the event stream through a consumer group, at least once: an entry is acknowledged
 * only after `handle` returned for it, so a consumer killed mid-batch leaves its entries
 * pending, and they are handed again to whichever consumer reclaims them. `handle` must
 * therefore be idempotent per event id.
 */
export class EventConsumer {
  private readonly o: Required<EventConsumerOptions>;

  constructor(
    private readonly redis: Redis,
    /** A connection of its own: XREADGROUP BLOCK holds it. */
    private readonly reader: Redis,
    options: EventConsumerOptions,
  ) {
    this.o = { startAt: '0', count: 50, blockMs: 2000, reclaimIdleMs: 30_000, ...options };
  }

  async ensureGroup(): Promise<void> {
    try {
      await this.redis.xgroup('CREATE', redisKeys.events, this.o.group, this.o.startAt, 'MKSTREAM');
    } catch (err) {
      if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
    }
  }

  /**
   * One round: this consumer's own unacknowledged entries first (after a restart under the same
   * name), then entries idle under a dead consumer, then new ones (blocking up to `blockMs`).
   * Returns how many events were handled.
   */
  async poll(handle: (events: ImgsvcEvent[]) => Promise<void>): Promise<number> {
    let entries = await this.readGroup('0', false);
    if (entries.length === 0) entries = await this.reclaim();
    if (entries.length === 0) entries = await this.readGroup('>', true);
    if (entries.length === 0) return 0;
    const events = entries.map(([id, fields]) => parseEvent(id, fields)).filter((e): e is ImgsvcEvent => e !== undefined);
    if (events.length > 0) await handle(events);
    await this.redis.xack(redisKeys.events, this.o.group, ...entries.map((e) => e[0]));
    return events.length;
  }

  /** Polls until `signal` aborts; a failing round is retried after a pause (the entries stay pending). */
  async run(handle: (events: ImgsvcEvent[]) => Promise<void>, signal: AbortSignal, onError: (err: unknown) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.ensureGroup();
        while (!signal.aborted) await this.poll(handle);
      } catch (err) {
        if (signal.aborted) break;
        onError(err);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async readGroup(from: '0' | '>', block: boolean): Promise<StreamEntry[]> {
    const args: (string | number)[] = ['GROUP', this.o.group, this.o.consumer, 'COUNT', this.o.count];
    if (block) args.push('BLOCK', this.o.blockMs);
    args.push('STREAMS', redisKeys.events, from);
    const reply = (await (this.reader.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(...args)) as [string, (StreamEntry | [string, null])[]][] | null;
    // Entries trimmed away while pending come back with null fields: acknowledge them away.
    const got = reply?.[0]?.[1] ?? [];
    const gone = got.filter((e) => e[1] === null).map((e) => e[0]);
    if (gone.length > 0) await this.redis.xack(redisKeys.events, this.o.group, ...gone);
    return got.filter((e): e is StreamEntry => e[1] !== null);
  }

  private async reclaim(): Promise<StreamEntry[]> {
    const reply = (await this.redis.xautoclaim(redisKeys.events, this.o.group, this.o.consumer, this.o.reclaimIdleMs, '0-0', 'COUNT', this.o.count)) as [
      string,
      (StreamEntry | null)[],
      string[]?,
    ];
    const deleted = reply[2] ?? [];
    if (deleted.length > 0) await this.redis.xack(redisKeys.events, this.o.group, ...deleted);
    return reply[1].filter((e): e is StreamEntry => e !== null);
  }
}
