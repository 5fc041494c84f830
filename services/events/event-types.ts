import { z } from 'zod';

/**
 * The events other services can follow. Names and payloads are a public contract: a payload
 * change that is not purely additive gets a new `version`, and consumers read `version` first.
 */
export const EVENT_TYPES = [
  'image.created',
  'image.ready',
  'image.failed',
  'image.updated',
  'image.visibility_changed',
  'image.deleted',
  'image.restored',
  'image.erased',
  'comment.created',
  'comment.deleted',
  'favorite.added',
  'favorite.removed',
  'album.updated',
  'album.deleted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const EVENT_VERSION = 1;

export const eventTypeSchema = z.enum(EVENT_TYPES);

/** One event as a consumer sees it (the JSON body of a webhook, an entry of the stream). */
export interface ImgsvcEvent {
  /** The stream entry id (`<ms>-<seq>`): unique, ordered, the resume point of a reader. */
  id: string;
  type: EventType;
  version: number;
  /** When the change happened (ISO 8601, ms). */
  occurredAt: string;
  /** The owner of what changed: user-scoped webhooks receive only events about their own images. */
  ownerId: string;
  /** Who made the change, when a user did (absent for the service's own work: resize, erase). */
  actorId?: string;
  imageId?: string;
  data: Record<string, unknown>;
}

/** What a writer supplies; the id and time are the stream's. */
export type NewEvent = Omit<ImgsvcEvent, 'id' | 'occurredAt' | 'version'> & { version?: number };

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value);
}
