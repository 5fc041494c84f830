import type { Redis } from 'ioredis';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount } from '../redis/keys.js';
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

/** A blocking read waits on one shard at a time for at most this long, so an event in any shard waits at most this. */
const BLOCK_SLICE_MS = 250;

/**
 * Reads the event streams (one per shard) through a consumer group of the same name on each,
 * at least once: an entry is acknowledged only after `handle` returned for it, so a consumer
 * killed mid-batch leaves its entries pending, and they are handed again to whichever consumer
 * reclaims them. `handle` must therefore be idempotent per event. Each batch comes from one
 * shard: events of one image are handled in order; across shards there is no global order.
 */
export class EventConsumer {
  private readonly o: Required<EventConsumerOptions>;
  private readonly shards: number[];
  /** Where the next round starts: rotates so no shard is favoured. */
  private turn = 0;
  /**
   * Shards where this consumer may hold unacknowledged entries: every shard at start (a restart
   * under the same name) and after a failed round (a handler that threw leaves its batch
   * pending). A shard leaves the set once a read of its own entries comes back empty: an idle
   * round then asks each shard one question instead of three (the rounds run every 250 ms,
   * and on a serving process these reads cost about as much CPU as the image hits' own code).
   */
  private readonly mayOwn = new Set<number>();
  /** When each shard was last asked for entries idle under a dead consumer. */
  private readonly reclaimedAt = new Map<number, number>();

  constructor(
    private readonly redis: Redis,
    /** A connection of its own: XREADGROUP BLOCK holds it. */
    private readonly reader: Redis,
    options: EventConsumerOptions,
  ) {
    this.o = { startAt: '0', count: 50, blockMs: 2000, reclaimIdleMs: 30_000, ...options };
    this.shards = allShards(shardCount());
    for (const shard of this.shards) this.mayOwn.add(shard);
  }

  async ensureGroup(): Promise<void> {
    for (const shard of this.shards) {
      try {
        await this.redis.xgroup('CREATE', redisKeys.events(shard), this.o.group, this.o.startAt, 'MKSTREAM');
      } catch (err) {
        if (!(err instanceof Error) || !err.message.includes('BUSYGROUP')) throw err;
      }
    }
  }

  /**
   * One round: in each shard (starting at the shard after the last round's), this consumer's own
   * unacknowledged entries first (after a restart under the same name), then entries idle under
   * a dead consumer, then new ones; when no shard has any, a blocking read on one shard (in
   * turn) for a slice of `blockMs`. Returns how many events were handled. Entries of a dead
   * consumer become due after `reclaimIdleMs`; a shard is asked for them at most every quarter
   * of that (sooner while a page comes back full), so they wait at most 1.25 × `reclaimIdleMs`.
   */
  async poll(handle: (events: ImgsvcEvent[]) => Promise<void>): Promise<number> {
    const order = [...this.shards.slice(this.turn % this.shards.length), ...this.shards.slice(0, this.turn % this.shards.length)];
    this.turn++;
    for (const shard of order) {
      let entries: StreamEntry[] = [];
      if (this.mayOwn.has(shard)) {
        entries = await this.readGroup(shard, '0', undefined);
        if (entries.length === 0) this.mayOwn.delete(shard);
      }
      if (entries.length === 0 && this.reclaimDue(shard)) entries = await this.reclaim(shard);
      if (entries.length === 0) entries = await this.readGroup(shard, '>', undefined);
      if (entries.length > 0) return this.deliver(shard, entries, handle);
    }
    const shard = order[0]!;
    const entries = await this.readGroup(shard, '>', Math.min(this.o.blockMs, BLOCK_SLICE_MS));
    return entries.length > 0 ? this.deliver(shard, entries, handle) : 0;
  }

  private async deliver(shard: number, entries: StreamEntry[], handle: (events: ImgsvcEvent[]) => Promise<void>): Promise<number> {
    const events = entries.map(([id, fields]) => parseEvent(id, fields, shard)).filter((e): e is ImgsvcEvent => e !== undefined);
    if (events.length > 0) await handle(events);
    await this.redis.xack(redisKeys.events(shard), this.o.group, ...entries.map((e) => e[0]));
    return events.length;
  }

  /** Polls until `signal` aborts; a failing round is retried after a pause (the entries stay pending). */
  async run(handle: (events: ImgsvcEvent[]) => Promise<void>, signal: AbortSignal, onError: (err: unknown) => void): Promise<void> {
    // A stop does not wait on the round in flight: a read on a reader the stop disconnected can
    // stay unanswered (seen on a Cluster, where it held the shutdown for its whole bound). What
    // the round had not acknowledged stays pending and is handed out again.
    const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    while (!signal.aborted) {
      try {
        await Promise.race([this.ensureGroup(), stopped]);
        while (!signal.aborted) await Promise.race([this.poll(handle), stopped]);
      } catch (err) {
        // The failed batch (and whatever a lost connection delivered) is pending under this name.
        for (const shard of this.shards) this.mayOwn.add(shard);
        if (signal.aborted) break;
        onError(err);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  private async readGroup(shard: number, from: '0' | '>', blockMs: number | undefined): Promise<StreamEntry[]> {
    const stream = redisKeys.events(shard);
    const args: (string | number)[] = ['GROUP', this.o.group, this.o.consumer, 'COUNT', this.o.count];
    if (blockMs !== undefined) args.push('BLOCK', blockMs);
    args.push('STREAMS', stream, from);
    const reply = (await (this.reader.xreadgroup as (...a: (string | number)[]) => Promise<unknown>)(...args)) as [string, (StreamEntry | [string, null])[]][] | null;
    // Entries trimmed away while pending come back with null fields: acknowledge them away.
    const got = reply?.[0]?.[1] ?? [];
    const gone = got.filter((e) => e[1] === null).map((e) => e[0]);
    if (gone.length > 0) await this.redis.xack(stream, this.o.group, ...gone);
    return got.filter((e): e is StreamEntry => e[1] !== null);
  }

  private reclaimDue(shard: number): boolean {
    return Date.now() - (this.reclaimedAt.get(shard) ?? -Infinity) >= this.o.reclaimIdleMs / 4;
  }

  private async reclaim(shard: number): Promise<StreamEntry[]> {
    const stream = redisKeys.events(shard);
    const reply = (await this.redis.xautoclaim(stream, this.o.group, this.o.consumer, this.o.reclaimIdleMs, '0-0', 'COUNT', this.o.count)) as [
      string,
      (StreamEntry | null)[],
      string[]?,
    ];
    const deleted = reply[2] ?? [];
    if (deleted.length > 0) await this.redis.xack(stream, this.o.group, ...deleted);
    // A full page may have more behind it: ask again next round.
    if (reply[1].length < this.o.count) this.reclaimedAt.set(shard, Date.now());
    return reply[1].filter((e): e is StreamEntry => e !== null);
  }
}
