import { fnv1a32, shardOfImage, shardTag, userTag } from '../../core/shards.js';

/**
 * Every Redis key of webhook bookkeeping, and the keys of each atomic step (so the slot test
 * checks the very lists the stores use). Nothing sits in one global slot:
 * - an owner's endpoints, deliveries, delivery listings and due set share the owner's tag
 *   `{u:<id>}`, so scheduling, claiming, recording and retrying are one slot each;
 * - the directory (endpoint id → owner) is spread over the shards by the endpoint id, so a
 *   lookup by id is one hop and an admin's listing reads every shard;
 * - the owners with due deliveries (the round-robin's queue of queues) are spread over the
 *   shards by owner id; each entry is a hint, never the truth (the owner's due set is);
 * - admins' endpoints, which receive every event, are listed in one small key of their own:
 *   read once per batch of events, written only when an admin registers or deletes one.
 */
const P = 'imgsvc:';

export const webhookKeys = {
  /** An endpoint's JSON (the copy of `webhooks/<id>.json` in storage). */
  endpoint: (ownerId: string, id: string) => `${P}${userTag(ownerId)}:webhook:${id}`,
  /** An owner's endpoint ids, score 0, ordered by id. */
  ownerEndpoints: (ownerId: string) => `${P}${userTag(ownerId)}:webhooks`,
  /** Endpoint id → owner id, for the endpoints whose id falls in this shard. */
  directory: (shard: number) => `${P}${shardTag(shard)}:webhook-dir`,
  /** Admins' (`all`-scope) endpoints: endpoint id → owner id. */
  allScope: `${P}{webhook-all}:endpoints`,
  /** One delivery (a hash). */
  delivery: (ownerId: string, deliveryId: string) => `${P}${userTag(ownerId)}:webhook-delivery:${deliveryId}`,
  /** An owner's delivery ids by the time (ms) they are next due; a claimed one is pushed a lease ahead. */
  due: (ownerId: string) => `${P}${userTag(ownerId)}:webhook-due`,
  /** An endpoint's deliveries (score 0, ids sort by event time and sequence), all or those of one status. */
  deliveries: (ownerId: string, endpointId: string, status?: string) => `${P}${userTag(ownerId)}:webhook-deliveries:${endpointId}${status ? `:${status}` : ''}`,
  /** Owners of this shard that may have due deliveries, scored no later than their earliest. */
  readyOwners: (shard: number) => `${P}${shardTag(shard)}:webhook-owners`,
} as const;

export function directoryShard(endpointId: string, shards: number): number {
  return shardOfImage(endpointId, shards);
}

export function ownerShard(ownerId: string, shards: number): number {
  return shards <= 1 ? 0 : fnv1a32(`webhook-owner:${ownerId}`) % shards;
}

const STATUSES = ['pending', 'failed', 'delivered', 'dead'] as const;

/** The keys of each atomic step (a script or a MULTI): each must map to one slot. */
export const webhookSteps = {
  /** SET the endpoint's copy and ZADD it to its owner's list. */
  indexEndpoint: (ownerId: string, id: string) => [webhookKeys.endpoint(ownerId, id), webhookKeys.ownerEndpoints(ownerId)],
  /** DEL the copy, ZREM it from its owner's list, DEL its delivery listings. */
  removeEndpoint: (ownerId: string, id: string) => [
    webhookKeys.endpoint(ownerId, id),
    webhookKeys.ownerEndpoints(ownerId),
    webhookKeys.deliveries(ownerId, id),
    ...STATUSES.map((s) => webhookKeys.deliveries(ownerId, id, s)),
  ],
  /** The endpoints of one owner, read together (MGET). */
  readEndpoints: (ownerId: string, ids: readonly string[]) => ids.map((id) => webhookKeys.endpoint(ownerId, id)),
  /** The schedule script: delivery, due set, the endpoint's listing and its pending listing. */
  schedule: (ownerId: string, deliveryId: string, endpointId: string) => [
    webhookKeys.delivery(ownerId, deliveryId),
    webhookKeys.due(ownerId),
    webhookKeys.deliveries(ownerId, endpointId),
    webhookKeys.deliveries(ownerId, endpointId, 'pending'),
  ],
  /** The claim script: the owner's due set. */
  claim: (ownerId: string) => [webhookKeys.due(ownerId)],
  /** Recording an attempt (MULTI): the delivery, the due set, the listings it moves between. */
  record: (ownerId: string, deliveryId: string, endpointId: string, from: string, to: string) => [
    webhookKeys.delivery(ownerId, deliveryId),
    webhookKeys.due(ownerId),
    webhookKeys.deliveries(ownerId, endpointId),
    webhookKeys.deliveries(ownerId, endpointId, from),
    webhookKeys.deliveries(ownerId, endpointId, to),
  ],
  /** The manual retry script: delivery, due set, dead listing, pending listing. */
  retry: (ownerId: string, deliveryId: string, endpointId: string) => [
    webhookKeys.delivery(ownerId, deliveryId),
    webhookKeys.due(ownerId),
    webhookKeys.deliveries(ownerId, endpointId, 'dead'),
    webhookKeys.deliveries(ownerId, endpointId, 'pending'),
  ],
  /** Dropping a delivery whose endpoint is gone (MULTI). */
  drop: (ownerId: string, deliveryId: string, endpointId: string, status: string) => [
    webhookKeys.delivery(ownerId, deliveryId),
    webhookKeys.due(ownerId),
    webhookKeys.deliveries(ownerId, endpointId),
    webhookKeys.deliveries(ownerId, endpointId, status),
  ],
} as const;
