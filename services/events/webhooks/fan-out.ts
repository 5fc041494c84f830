import { webhookReceives } from '../../access/webhook-access.js';
import type { ImgsvcEvent } from '../event-types.js';
import { deliveryId } from './delivery-id.js';
import type { DeliveryStore } from './delivery-store.js';
import { wantsEvent } from './endpoint.js';
import type { EndpointStore } from './endpoint-store.js';

/**
 * Schedules one delivery per endpoint that wants each event. Runs inside the consumer's
 * handler: the events are acknowledged only after this returns, so a worker killed here leaves
 * them pending and they are scheduled again (idempotently: the delivery id is derived).
 */
export async function fanOut(events: readonly ImgsvcEvent[], endpoints: EndpointStore, deliveries: DeliveryStore, now = Date.now()): Promise<number> {
  let scheduled = 0;
  for (const event of events) {
    const at = Date.parse(event.occurredAt);
    const body = JSON.stringify(event);
    for (const endpoint of await endpoints.candidatesFor(event.ownerId)) {
      if (!webhookReceives(endpoint, event.ownerId) || !wantsEvent(endpoint, event.type, at)) continue;
      const fresh = await deliveries.schedule({ id: deliveryId(event.id, endpoint.id), endpointId: endpoint.id, eventId: event.id, eventType: event.type, body, windowStart: now });
      if (fresh) scheduled++;
    }
  }
  return scheduled;
}
