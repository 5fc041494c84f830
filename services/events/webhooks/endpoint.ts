import type { EventType } from '../event-types.js';

/** How long the previous secret keeps signing after a rotation, so receivers can switch over. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

export interface SealedSecret {
  /** The `whsec_` secret, encrypted (secret-box.ts). */
  sealed: string;
  createdAt: string;
  /** Set on the previous secret when a new one replaces it. */
  expiresAt?: string;
}

/** A registered endpoint, as stored in `webhooks/<id>.json`. */
export interface WebhookEndpoint {
  id: string;
  ownerId: string;
  /** `all`: registered by an admin, receives every event; `owner`: events about the owner's things. */
  scope: 'all' | 'owner';
  url: string;
  /** The event types it receives; null for all of them (including types added later). */
  events: EventType[] | null;
  description: string | null;
  enabled: boolean;
  /** Why it was disabled: `gone` when the receiver answered 410, `manual` by PATCH. */
  disabledReason: 'gone' | 'manual' | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Newest first: the first is current, a second one is the previous, until it expires. */
  secrets: SealedSecret[];
}

/** The secrets that sign right now: the current one and, during a rotation, the previous one. */
export function liveSecrets(endpoint: WebhookEndpoint, now = Date.now()): SealedSecret[] {
  return endpoint.secrets.filter((s) => s.expiresAt === undefined || Date.parse(s.expiresAt) > now);
}

/** Whether an event is for this endpoint by type and time (an endpoint sees nothing from before it existed). */
export function wantsEvent(endpoint: WebhookEndpoint, type: EventType, occurredAtMs: number): boolean {
  return endpoint.enabled && (endpoint.events === null || endpoint.events.includes(type)) && occurredAtMs >= Date.parse(endpoint.createdAt);
}

/** What the API shows: never a secret. */
export function publicEndpoint(e: WebhookEndpoint, now = Date.now()) {
  const previous = liveSecrets(e, now)[1];
  return {
    id: e.id,
    ownerId: e.ownerId,
    scope: e.scope,
    url: e.url,
    events: e.events,
    description: e.description,
    enabled: e.enabled,
    disabledReason: e.disabledReason,
    disabledAt: e.disabledAt,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    previousSecretExpiresAt: previous?.expiresAt ?? null,
  };
}
