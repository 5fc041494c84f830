import { EVENT_VERSION, type EventType } from './event-types.js';

/**
 * The compact form of an event's stream entry (issue 20 item 3: the entries were most of what
 * kept a hot image over 1,200 B of Redis). Same six field names as the legacy form, so a stream
 * node still stores the names once (Redis marks an entry whose fields equal the node's first
 * entry's as "same fields"); only the values are shorter:
 *
 * - `type`: a small integer code (a listpack integer, 1 byte) instead of the name. A numeric
 *   `type` is what marks an entry as compact; a name marks the legacy form, still read while
 *   the retention trims such entries away.
 * - `actor`: `=` when the actor is the owner (an upload, an owner's edit), empty when absent.
 * - `data`: for the high-volume types, the values in a fixed order (a JSON array, nested objects
 *   flattened) instead of an object; expanded on read into the same object with its keys in the
 *   same order, so consumers, webhook bodies and `/v1/events` see exactly what they saw before.
 *
 * Anything the compact form cannot say exactly (another version, unexpected or missing keys, an
 * actor spelled `=`) is written in the legacy form. Pure.
 */

/** The codes are stored in entries: never renumber one; a new type takes the next number. */
export const EVENT_TYPE_CODES: Readonly<Record<EventType, number>> = {
  'image.created': 1,
  'image.ready': 2,
  'image.failed': 3,
  'image.updated': 4,
  'image.visibility_changed': 5,
  'image.deleted': 6,
  'image.restored': 7,
  'image.erased': 8,
  'comment.created': 9,
  'comment.deleted': 10,
  'favorite.added': 11,
  'favorite.removed': 12,
  'album.updated': 13,
  'album.deleted': 14,
};

const TYPE_OF_CODE = new Map(Object.entries(EVENT_TYPE_CODES).map(([type, code]) => [String(code), type as EventType]));

/** The event type a compact `type` value stands for; undefined for anything else (a name included). */
export function typeOfCode(value: string): EventType | undefined {
  return TYPE_OF_CODE.get(value);
}

/** A payload's keys in order; a nested object is `[key, its shape]`. */
type Shape = readonly (string | readonly [string, Shape])[];

/** Positional payloads of version 1 for the types every upload writes (event-payloads.ts), keys in the writers' order. */
const DATA_SHAPES: Partial<Record<EventType, Shape>> = {
  'image.created': ['revision', 'visibility', 'format', 'width', 'height', 'bytes'],
  'image.ready': ['revision', ['variants', ['count', 'formats', 'widths']]],
  'image.updated': ['revision', 'changed'],
};

/** The actor value meaning "the owner" in a compact entry. */
export const ACTOR_IS_OWNER = '=';

/** The compact `actor` value, or undefined when it cannot say this actor exactly. */
export function compactActor(ownerId: string, actorId: string | undefined): string | undefined {
  if (!actorId) return '';
  if (actorId === ownerId) return ACTOR_IS_OWNER;
  return actorId === ACTOR_IS_OWNER ? undefined : actorId;
}

/** The actor id a compact `actor` value stands for (undefined: none). */
export function expandActor(ownerId: string, value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value === ACTOR_IS_OWNER ? ownerId : value;
}

/** The `data` text: positional when the type has a shape and the payload fits it exactly, else the JSON object. */
export function compactData(type: EventType, version: number, data: Record<string, unknown>): string {
  const shape = version === EVENT_VERSION ? DATA_SHAPES[type] : undefined;
  const values = shape ? flatten(data, shape) : undefined;
  return JSON.stringify(values ?? data);
}

/** The payload of a positional `data` value (a parsed JSON array), by its type's shape; undefined if it does not fit. */
export function expandData(type: EventType, version: number, values: unknown[]): Record<string, unknown> | undefined {
  const shape = version === EVENT_VERSION ? DATA_SHAPES[type] : undefined;
  if (!shape) return undefined;
  const at = { i: 0 };
  const out = rebuild(values, shape, at);
  return at.i === values.length ? out : undefined;
}

function flatten(value: unknown, shape: Shape): unknown[] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length !== shape.length) return undefined;
  const out: unknown[] = [];
  for (let k = 0; k < shape.length; k++) {
    const part = shape[k]!;
    const key = typeof part === 'string' ? part : part[0];
    // Same keys in the same order, none undefined (JSON.stringify would drop it from an object).
    if (keys[k] !== key || obj[key] === undefined) return undefined;
    if (typeof part === 'string') out.push(obj[key]);
    else {
      const inner = flatten(obj[key], part[1]);
      if (!inner) return undefined;
      out.push(...inner);
    }
  }
  return out;
}

function rebuild(values: unknown[], shape: Shape, at: { i: number }): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const part of shape) {
    if (typeof part === 'string') {
      if (at.i >= values.length) return undefined;
      out[part] = values[at.i++];
    } else {
      const inner = rebuild(values, part[1], at);
      if (!inner) return undefined;
      out[part[0]] = inner;
    }
  }
  return out;
}
