import { eventShownTo } from '../../access/event-visibility.js';
import { webhookReader } from '../../access/webhook-access.js';
import type { ImgsvcEvent } from '../event-types.js';
import { deliveryId } from './delivery-id.js';
import type { DeliveryStore } from './delivery-store.js';
import { wantsEvent, type WebhookEndpoint } from './endpoint.js';
import type { EndpointStore } from './endpoint-store.js';
import type { WebhookOwners } from './webhook-owners.js';

export interface FanOutDeps {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  owners: WebhookOwners;
}

/**
 * Schedules one delivery per endpoint that may and wants to receive each event, carrying the
 * event as the endpoint's owner is shown it (`eventShownTo`, the decision `/v1/events` uses).
 * Runs inside the consumer's handler: the events are acknowledged only after this returns, so
 * a worker killed here leaves them pending and they are scheduled again (idempotently: the
 * delivery id is derived).
 */
export async function fanOut(events: readonly ImgsvcEvent[], deps: FanOutDeps, now = Date.now()): Promise<number> {
  let scheduled = 0;
  // Admins' endpoints once per batch; each owner's once per batch.
  const admins = await deps.endpoints.allScope();
  const own = new Map<string, WebhookEndpoint[]>();
  for (const event of events) {
    const at = Date.parse(event.occurredAt);
    const content = JSON.stringify(event);
    if (event.ownerId && !own.has(event.ownerId)) own.set(event.ownerId, await deps.endpoints.ofOwner(event.ownerId));
    const candidates = new Map([...admins, ...(own.get(event.ownerId) ?? [])].map((e) => [e.id, e]));
    for (const endpoint of candidates.values()) {
      if (!wantsEvent(endpoint, event.type, at)) continue;
      const reader = webhookReader(endpoint, await deps.owners.get(endpoint.ownerId));
      const shown = reader && eventShownTo(event, reader);
      if (!shown) continue;
      const fresh = await deps.deliveries.schedule({
        id: deliveryId(event.id, endpoint.id, content),
        ownerId: endpoint.ownerId,
        endpointId: endpoint.id,
        eventId: event.id,
        eventType: event.type,
        body: JSON.stringify(shown),
        windowStart: now,
      });
      if (fresh) scheduled++;
    }
  }
  return scheduled;
}
