import type { Redis } from 'ioredis';
import { newEvent } from '../events/event-payloads.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { allShards } from '../core/shards.js';
import { redisKeys, shardCount, shardOf } from '../redis/keys.js';
import { defineScripts, queueScript, runScript } from '../redis/scripts.js';
import { pipelineBySlot } from '../redis/slot-pipeline.js';
import { declareStep, stepKeys } from '../redis/steps.js';
import { applySearchAddsIfCreated, applySearchOps, searchIndexOps } from '../search/index-ops.js';
import { foldTag } from './metadata.js';
import type { ImageRecord } from './image-record.js';
import { recordFromHash, recordToHash } from './record-hash.js';

/** What the index-built sentinel records. */
export interface IndexSentinel {
  builtAt: string;
  /** Manifests that could not be read when it was built: images the index may be missing. */
  unreadable: number;
  /** Every manifest had its storage reference to its original when it was built (images/original-refs.ts). */
  storageRefs?: boolean;
}

/** The listings an image belongs to, in its shard, all ordered by id: its owner's, public, per tag, or the trash. */
export function listingKeys(r: Pick<ImageRecord, 'id' | 'ownerId' | 'visibility' | 'deletedAt' | 'meta'>): string[] {
  const shard = shardOf(r.id);
  if (r.deletedAt !== undefined) return [redisKeys.trash(shard, r.ownerId)];
  const tags = [...new Set(r.meta.tags.map(foldTag))];
  return [
    redisKeys.ownerImages(shard, r.ownerId),
    ...(r.visibility === 'public' ? [redisKeys.ownerPublic(shard, r.ownerId)] : []),
    ...tags.map((t) => redisKeys.ownerTag(shard, r.ownerId, t)),
  ];
}

type Listed = Pick<ImageRecord, 'id' | 'ownerId' | 'visibility' | 'deletedAt' | 'meta' | 'sha256'>;

/**
 * The image's steps, each one slot `{s<n>}` of the image's shard. The upload's pivot also
 * holds the dedup entry: a new image is minted into its dedup entry's shard (upload/accept-upload.ts).
 */
export const imageSteps = {
  /** The pivot (scripts/createImage-7plus.lua): KEYS as its header lists them. */
  create: declareStep('image.create', 'script', (r: Listed & Pick<ImageRecord, 'ownerId'>) => {
    const s = shardOf(r.id);
    return [
      redisKeys.dedupEntry(r),
      redisKeys.image(r.id),
      redisKeys.allImages(s),
      redisKeys.resizeStream(s),
      redisKeys.resizeLive(s),
      redisKeys.bytes(s, r.sha256),
      redisKeys.events(s),
      ...listingKeys(r),
    ];
  }),
  /** A record change: the record, the listings it leaves and joins, the shard's trash-by-time and its events. */
  update: declareStep('image.update', 'multi', (next: Listed, previous: Listed | undefined) => {
    const s = shardOf(next.id);
    return [redisKeys.image(next.id), ...new Set([...listingKeys(next), ...(previous ? listingKeys(previous) : [])]), redisKeys.trashByTime(s), redisKeys.events(s)];
  }),
  /** Reindex writes a record as it is; its dedup entry follows as a step of its own (its shard may differ for an id minted before sharding). */
  put: declareStep('image.put', 'multi', (r: Listed) => {
    const s = shardOf(r.id);
    return [redisKeys.image(r.id), redisKeys.allImages(s), redisKeys.bytes(s, r.sha256), ...listingKeys(r), redisKeys.trashByTime(s)];
  }),
  remove: declareStep('image.remove', 'multi', (r: Listed) => {
    const s = shardOf(r.id);
    return [redisKeys.image(r.id), redisKeys.allImages(s), redisKeys.resizeLive(s), redisKeys.bytes(s, r.sha256), ...listingKeys(r)];
  }),
};

function createdEvent(r: ImageRecord, actorId: string | undefined): NewEvent {
  const data = { revision: r.revision, visibility: r.visibility, format: r.format, width: r.width, height: r.height, bytes: r.bytes };
  return newEvent('image.created', { ownerId: r.ownerId, imageId: r.id, actorId }, data);
}

export type CreateResult = { created: true; jobId: string } | { created: false; existingId: string };

export class ImageIndex {
  constructor(
    private readonly redis: Redis,
    /** Where record changes append their events (carries the retention). */
    private readonly events: EventSink = new EventSink(),
  ) {
    // EVALSHA: the script body once per connection, not per upload.
    defineScripts(redis);
  }

  /** False while the connection is down: callers with another source of truth can skip the wait. */
  get available(): boolean {
    return this.redis.status === 'ready';
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const hash = await this.redis.hgetall(redisKeys.image(id));
    return recordFromHash(id, hash) ?? (await this.coldRecord(id));
  }

  /** Where records evicted as cold are read from (their manifests; images/cold-records.ts). */
  private coldSource: ((id: string) => Promise<ImageRecord | undefined>) | undefined;

  readColdFrom(source: (id: string) => Promise<ImageRecord | undefined>): void {
    this.coldSource = source;
  }

  /**
   * A cold image (record evicted, see images/cold-records.ts) keeps its place in the id index;
   * one Redis lost does not. Only the first is read from its manifest here; the second is
   * re-adoption's business (images/readopt.ts).
   */
  async isIndexed(ids: readonly string[]): Promise<boolean[]> {
    if (ids.length === 0) return [];
    // One pipeline per shard: its id index is one key, so one slot (one node on a cluster).
    const byShard = new Map<number, number[]>();
    ids.forEach((id, i) => byShard.set(shardOf(id), [...(byShard.get(shardOf(id)) ?? []), i]));
    const out = new Array<boolean>(ids.length).fill(false);
    await Promise.all(
      [...byShard].map(async ([shard, indexes]) => {
        const p = this.redis.pipeline();
        for (const i of indexes) p.zscore(redisKeys.allImages(shard), ids[i]!);
        const replies = (await p.exec()) ?? [];
        indexes.forEach((i, j) => (out[i] = !replies[j]?.[0] && replies[j]?.[1] !== null && replies[j]?.[1] !== undefined));
      }),
    );
    return out;
  }

  private async coldRecord(id: string): Promise<ImageRecord | undefined> {
    if (!this.coldSource || !(await this.isIndexed([id]))[0]) return undefined;
    return this.coldSource(id);
  }

  /** The owner's image of these bytes: dedup never looks across owners, so it cannot become an oracle. */
  async idForSha(ownerId: string, sha256: string): Promise<string | undefined> {
    return (await this.redis.hget(redisKeys.dedupEntry({ ownerId, sha256 }), ownerId)) ?? undefined;
  }

  /** Whether any image, of any owner, still uses these original bytes. */
  async isOriginalReferenced(sha256: string): Promise<boolean> {
    // Each shard holds the references of its own images: all of them are asked.
    const keys = allShards(shardCount()).map((s) => redisKeys.bytes(s, sha256));
    // Any field counts: a dedup field names a live image of these bytes, a reference field any image.
    const replies = await pipelineBySlot<number>(this.redis, keys, (p, key) => p.exists(key));
    return replies.some(([err, n]) => err !== null || n > 0);
  }

  /** `actorId`: who uploaded (the event's actor), when a user did. */
  async createAndEnqueue(record: ImageRecord, actorId?: string): Promise<CreateResult> {
    const fields = Object.entries(recordToHash(record)).flat();
    const keys = stepKeys(imageSteps.create, record);
    const tx = this.redis.multi();
    queueScript(tx, 'createImage', keys, [record.id, record.sha256, record.ownerId, ...this.events.scriptArgs(createdEvent(record, actorId)), ...fields]);
    // The search entries join the same MULTI, applied only if the script above created the image (its record exists: the id is new).
    applySearchAddsIfCreated(tx, keys[1]!, record.id, searchIndexOps(undefined, record));
    const replies = (await tx.exec()) ?? [];
    const [err, raw] = replies[0] ?? [new Error('the upload transaction was discarded'), undefined];
    if (err) throw err;
    const reply = raw as [number, string];
    return reply[0] === 1 ? { created: true, jobId: reply[1] } : { created: false, existingId: reply[1] };
  }

  /**
   * Replaces a record's fields; fields the new record lacks are removed, and the listings it
   * belongs to (owner, public, tags, trash) follow in the same transaction, and so do the
   * `events` reporting the change (see events/record-events.ts).
   */
  async update(record: ImageRecord, previous?: ImageRecord, events: readonly NewEvent[] = []): Promise<void> {
    stepKeys(imageSteps.update, record, previous);
    const key = redisKeys.image(record.id);
    const shard = shardOf(record.id);
    // Replaced whole: a field the record leaves out (at its default) must not keep an old value,
    // and a hash still in the layout before the compact one is rewritten in the new one.
    const tx = this.redis.multi().del(key).hset(key, recordToHash(record));
    const now = new Set(listingKeys(record));
    for (const old of previous ? listingKeys(previous) : []) if (!now.has(old)) tx.zrem(old, record.id);
    for (const k of now) tx.zadd(k, 0, record.id);
    if (record.deletedAt !== undefined) tx.zadd(redisKeys.trashByTime(shard), Date.parse(record.deletedAt), record.id);
    else if (previous?.deletedAt !== undefined) tx.zrem(redisKeys.trashByTime(shard), record.id);
    this.events.queue(tx, events);
    applySearchOps(tx, searchIndexOps(previous, record));
    await tx.exec();
    if (record.deletedAt !== undefined && previous?.deletedAt === undefined) {
      // A deleted image no longer holds its bytes' dedup slot: uploading them again makes a new image.
      // Its dedup field was its reference to the original too (the pivot writes no other): the
      // explicit one goes in first, so the original is never without a reference in between.
      await this.redis.hset(redisKeys.bytes(shard, record.sha256), record.id, '');
      await runScript(this.redis, 'compareAndDeleteField', [redisKeys.dedupEntry(record)], [record.ownerId, record.id]);
    } else if (record.deletedAt === undefined && previous?.deletedAt !== undefined) {
      await this.redis.hsetnx(redisKeys.dedupEntry(record), record.ownerId, record.id);
    }
  }

  /** One shard's image ids after `after`, in id (= creation) order. */
  async listIds(shard: number, after: string | undefined, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(redisKeys.allImages(shard), after ? `(${after}` : '-', '+', 'LIMIT', 0, limit);
  }

  /**
   * Records by id, in the ids' order; the reads are pipelined per slot (one node each on a cluster).
   * `cold: false`: records evicted as cold come back undefined instead of read from storage (sweeps over everything).
   */
  async getMany(ids: string[], options: { cold?: boolean } = {}): Promise<(ImageRecord | undefined)[]> {
    if (ids.length === 0) return [];
    const results = await pipelineBySlot<Record<string, string>>(this.redis, ids.map(redisKeys.image), (p, key) => p.hgetall(key));
    const records = results.map(([err, hash], i) => (err ? undefined : recordFromHash(ids[i]!, hash)));
    if (!this.coldSource || options.cold === false || records.every(Boolean)) return records;
    const missing = ids.filter((_, i) => !records[i]);
    const indexed = await this.isIndexed(missing);
    const cold = new Map(await Promise.all(missing.filter((_, i) => indexed[i]).map(async (id) => [id, await this.coldSource!(id)] as const)));
    return records.map((r, i) => r ?? cold.get(ids[i]!));
  }

  /** Writes a record as it is (reindex from manifests); does not enqueue. */
  async put(record: ImageRecord): Promise<void> {
    // What the index holds now (a reindex over a live index): its stale search entries go.
    const indexed = await this.get(record.id);
    stepKeys(imageSteps.put, record);
    const shard = shardOf(record.id);
    const tx = this.redis
      .multi()
      // Replaced whole: a field the manifest leaves out (at its default) must not keep an old value.
      .del(redisKeys.image(record.id))
      .hset(redisKeys.image(record.id), recordToHash(record))
      .zadd(redisKeys.allImages(shard), 0, record.id)
      .hset(redisKeys.bytes(shard, record.sha256), record.id, '');
    for (const k of listingKeys(record)) tx.zadd(k, 0, record.id);
    if (record.deletedAt !== undefined) tx.zadd(redisKeys.trashByTime(shard), Date.parse(record.deletedAt), record.id);
    applySearchOps(tx, searchIndexOps(indexed, record));
    await tx.exec();
    // The dedup entry lives in its own shard (the same one for images minted since sharding):
    // a step of its own, after the record, and idempotent.
    if (record.deletedAt === undefined) await this.redis.hset(redisKeys.dedupEntry(record), record.ownerId, record.id);
  }

  /**
   * Removes a record and its place in the id index (a duplicate reindex collapsed). The dedup
   * entry is left alone: it names the image that was kept.
   */
  async remove(id: string): Promise<void> {
    const record = await this.get(id);
    if (!record) return;
    stepKeys(imageSteps.remove, record);
    const shard = shardOf(id);
    const tx = this.redis.multi().del(redisKeys.image(id)).zrem(redisKeys.allImages(shard), id).hdel(redisKeys.resizeLive(shard), id).hdel(redisKeys.bytes(shard, record.sha256), id);
    for (const k of listingKeys(record)) tx.zrem(k, id);
    applySearchOps(tx, searchIndexOps(record, undefined));
    await tx.exec();
  }

  /** The index-built sentinel, or undefined when the index was never built or has been lost. */
  async sentinel(): Promise<IndexSentinel | undefined> {
    const raw = await this.redis.get(redisKeys.indexBuilt);
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as IndexSentinel;
    } catch {
      // Written by us only; anything else still says the index was built.
      return { builtAt: '', unreadable: 0 };
    }
  }

  async markBuilt(sentinel: IndexSentinel): Promise<void> {
    await this.redis.set(redisKeys.indexBuilt, JSON.stringify(sentinel));
  }
}
