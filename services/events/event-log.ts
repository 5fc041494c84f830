import type { ChainableCommander, Redis } from 'ioredis';
import { redisKeys, shardOf } from '../redis/keys.js';
import { compactActor, compactData, EVENT_TYPE_CODES, expandActor, expandData, typeOfCode } from './event-entry-codec.js';
import { publicEventId } from './event-id.js';
import { EVENT_VERSION, isEventType, type ImgsvcEvent, type NewEvent } from './event-types.js';

/** Default age after which the stream's entries are trimmed (7 days). */
export const DEFAULT_EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The stream entry's fields, flat, in one order: `type`, `v`, `owner`, `actor`, `image`, `data`
 * (JSON). The entry id carries the time, so there is no separate timestamp field. Written in the
 * compact form (event-entry-codec.ts: a type code, `=` for an actor who is the owner, positional
 * payloads of the upload's events), or in the legacy one when the compact form cannot say the
 * event exactly; `legacy` forces it (tests of entries written before the compact form).
 */
/**
 * Whether this process writes event entries in the legacy long form (IMGSVC_EVENT_ENTRIES=legacy):
 * a rolling upgrade from a version that cannot read the compact form sets it until the last old
 * pod is gone, since an old consumer skips (and acknowledges) an entry it cannot parse. Process-wide
 * and set once at start-up, beside the logger's level, rather than threaded through every writer.
 */
let legacyEntries = false;
export function writeLegacyEventEntries(on: boolean): void {
  legacyEntries = on;
}

export function eventFields(event: NewEvent, legacy = legacyEntries): string[] {
  const version = event.version ?? EVENT_VERSION;
  const actor = legacy ? undefined : compactActor(event.ownerId, event.actorId);
  if (actor === undefined) {
    return ['type', event.type, 'v', String(version), 'owner', event.ownerId, 'actor', event.actorId ?? '', 'image', event.imageId ?? '', 'data', JSON.stringify(event.data)];
  }
  return [
    'type', String(EVENT_TYPE_CODES[event.type]),
    'v', String(version),
    'owner', event.ownerId,
    'actor', actor,
    'image', event.imageId ?? '',
    'data', compactData(event.type, version, event.data),
  ];
}

/**
 * The XADD arguments after the key: trims entries older than the retention (approximately, so
 * trimming costs O(1) amortised) in the same command that appends, then `*` and the fields.
 */
export function xaddArgs(event: NewEvent, retentionMs: number, now = Date.now()): string[] {
  return ['MINID', '~', String(Math.max(0, now - retentionMs)), '*', ...eventFields(event)];
}

/**
 * The shard whose stream carries an event: its image's, or for an album event the album's
 * (albums are placed by id like images), so the event joins its change's one-slot step. A
 * reader of one image's events sees them in order; across images order is by time only
 * (docs/keyspace.md).
 */
export function eventShard(event: Pick<NewEvent, 'imageId' | 'ownerId' | 'data'>): number {
  const albumId = typeof event.data?.albumId === 'string' ? event.data.albumId : undefined;
  return shardOf(event.imageId ?? albumId ?? event.ownerId);
}

/** The stream an event is appended to. */
export function eventStreamKey(event: Pick<NewEvent, 'imageId' | 'ownerId' | 'data'>): string {
  return redisKeys.events(eventShard(event));
}

/**
 * Queues the append on a MULTI that also carries the change, so the change and its event are
 * one atomic step: a consumer can never see an event for a change that did not happen nor miss
 * one that did.
 */
export function appendEvent(tx: ChainableCommander, event: NewEvent, retentionMs = DEFAULT_EVENT_RETENTION_MS): ChainableCommander {
  const [minid, approx, threshold, star, ...fields] = xaddArgs(event, retentionMs);
  return tx.xadd(eventStreamKey(event), minid!, approx!, threshold!, star!, ...fields);
}

/**
 * For a Lua script that makes a change: the script is passed `eventStreamKey(event)` as a key and
 * these arguments, and runs `redis.call('XADD', KEYS[n], unpack(ARGV, i, i + count - 1))`.
 */
export function eventScriptArgs(event: NewEvent, retentionMs = DEFAULT_EVENT_RETENTION_MS): string[] {
  return xaddArgs(event, retentionMs);
}

/** Appends on its own, for changes that are a single Redis write already (idempotent retries aside); resolves with the event's public id. */
export async function appendEventNow(redis: Redis, event: NewEvent, retentionMs = DEFAULT_EVENT_RETENTION_MS): Promise<string> {
  const streamId = (await appendEvent(redis.multi(), event, retentionMs).exec())?.[0]?.[1] as string;
  return publicEventId(streamId, eventShard(event));
}

/**
 * A stream entry as an event; undefined for an entry that is not one of ours (never thrown on).
 * With the shard whose stream it came from, its `id` is the public one (event-id.ts); without
 * (the one stream before sharding), the entry id.
 */
export function parseEvent(id: string, fields: string[], shard?: number): ImgsvcEvent | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  if (!f.type) return undefined;
  // A numeric type is the compact form, a name the legacy one (entries written before it, until the retention trims them).
  const code = typeOfCode(f.type);
  const type = code ?? (isEventType(f.type) ? f.type : undefined);
  if (!type) return undefined;
  const version = Number(f.v ?? EVENT_VERSION);
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(f.data ?? '{}');
    if (code && Array.isArray(parsed)) {
      const expanded = expandData(type, version, parsed);
      if (!expanded) return undefined;
      data = expanded;
    } else if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const ms = Number(id.split('-')[0]);
  const ownerId = f.owner ?? '';
  const actorId = code ? expandActor(ownerId, f.actor) : f.actor || undefined;
  return {
    id: shard === undefined ? id : publicEventId(id, shard),
    type,
    version,
    occurredAt: new Date(ms).toISOString(),
    ownerId,
    ...(actorId ? { actorId } : {}),
    ...(f.image ? { imageId: f.image } : {}),
    data,
  };
}

/** A stream id as the reader passes it: `<ms>-<seq>` or `<ms>`, or the special `0`/`$`. */
export function isStreamId(value: string): boolean {
  return /^\d{1,15}(-\d{1,19})?$/.test(value);
}
