import type { ChainableCommander, Redis } from 'ioredis';
import { redisKeys } from '../redis/keys.js';
import { EVENT_VERSION, isEventType, type ImgsvcEvent, type NewEvent } from './event-types.js';

/** Default age after which the stream's entries are trimmed (7 days). */
export const DEFAULT_EVENT_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The stream entry's fields, flat, in one order: `type`, `v`, `owner`, `actor`, `image`, `data`
 * (JSON). The entry id carries the time, so there is no separate timestamp field.
 */
export function eventFields(event: NewEvent): string[] {
  return [
    'type', event.type,
    'v', String(event.version ?? EVENT_VERSION),
    'owner', event.ownerId,
    'actor', event.actorId ?? '',
    'image', event.imageId ?? '',
    'data', JSON.stringify(event.data),
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
 * Queues the append on a MULTI that also carries the change, so the change and its event are
 * one atomic step: a consumer can never see an event for a change that did not happen nor miss
 * one that did.
 */
export function appendEvent(tx: ChainableCommander, event: NewEvent, retentionMs = DEFAULT_EVENT_RETENTION_MS): ChainableCommander {
  const [minid, approx, threshold, star, ...fields] = xaddArgs(event, retentionMs);
  return tx.xadd(redisKeys.events, minid!, approx!, threshold!, star!, ...fields);
}

/**
 * For a Lua script that makes a change: the script is passed `redisKeys.events` as a key and
 * these arguments, and runs `redis.call('XADD', KEYS[n], unpack(ARGV, i, i + count - 1))`.
 */
export function eventScriptArgs(event: NewEvent, retentionMs = DEFAULT_EVENT_RETENTION_MS): string[] {
  return xaddArgs(event, retentionMs);
}

/** Appends on its own, for changes that are a single Redis write already (idempotent retries aside). */
export async function appendEventNow(redis: Redis, event: NewEvent, retentionMs = DEFAULT_EVENT_RETENTION_MS): Promise<string> {
  return (await appendEvent(redis.multi(), event, retentionMs).exec())?.[0]?.[1] as string;
}

/** A stream entry as an event; undefined for an entry that is not one of ours (never thrown on). */
export function parseEvent(id: string, fields: string[]): ImgsvcEvent | undefined {
  const f: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
  if (!f.type || !isEventType(f.type)) return undefined;
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(f.data ?? '{}');
    if (parsed && typeof parsed === 'object') data = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const ms = Number(id.split('-')[0]);
  return {
    id,
    type: f.type,
    version: Number(f.v ?? EVENT_VERSION),
    occurredAt: new Date(ms).toISOString(),
    ownerId: f.owner ?? '',
    ...(f.actor ? { actorId: f.actor } : {}),
    ...(f.image ? { imageId: f.image } : {}),
    data,
  };
}

/** A stream id as the reader passes it: `<ms>-<seq>` or `<ms>`, or the special `0`/`$`. */
export function isStreamId(value: string): boolean {
  return /^\d{1,15}(-\d{1,19})?$/.test(value);
}
