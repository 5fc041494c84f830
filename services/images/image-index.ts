import type { Redis } from 'ioredis';
import { newEvent } from '../events/event-payloads.js';
import { EventSink } from '../events/event-sink.js';
import type { NewEvent } from '../events/event-types.js';
import { redisKeys } from '../redis/keys.js';
import { applySearchAddsIfCreated, applySearchOps, searchIndexOps } from '../search/index-ops.js';
import { foldTag } from '../sharing/metadata.js';
import { dedupKey } from './dedup-key.js';
import { OPTIONAL_FIELDS, recordFromHash, recordToHash, type ImageRecord } from './image-record.js';

/** What the index-built sentinel records. */
export interface IndexSentinel {
  builtAt: string;
  /** Manifests that could not be read when it was built: images the index may be missing. */
  unreadable: number;
}

/**
 * The upload saga's pivot, as one atomic step: if this owner has no image of these bytes yet,
 * write the record, the owner's hash → id entry, the id indexes and the original's reference,
 * and enqueue the resize job. Either all of it happens or none; a concurrent upload of the
 * same bytes by the same owner sees the winner's id instead. Its `image.created` event is
 * appended by the same script (KEYS[7] is the event stream, ARGV[3] the count of its XADD
 * arguments that follow), so the event exists exactly when the image does.
 */
const CREATE_AND_ENQUEUE = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
local ev = tonumber(ARGV[3])
redis.call('HSET', KEYS[2], unpack(ARGV, 4 + ev))
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[3], 0, ARGV[1])
redis.call('SADD', KEYS[6], ARGV[1])
for i = 8, #KEYS do redis.call('ZADD', KEYS[i], 0, ARGV[1]) end
local job = redis.call('XADD', KEYS[4], '*', 'image', ARGV[1], 'sha256', ARGV[2])
redis.call('HSET', KEYS[5], ARGV[1], job)
if ev > 0 then redis.call('XADD', KEYS[7], unpack(ARGV, 4, 3 + ev)) end
return {1, job}
`;

/** Frees an owner's sha → id entry only if it still names this image. */
const RELEASE_SHA = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** The listings an image belongs to, all ordered by id: its owner's, public, per tag, or the trash. */
export function listingKeys(r: Pick<ImageRecord, 'ownerId' | 'visibility' | 'deletedAt' | 'meta'>): string[] {
  if (r.deletedAt !== undefined) return [redisKeys.trash(r.ownerId)];
  const tags = [...new Set(r.meta.tags.map(foldTag))];
  return [
    redisKeys.ownerImages(r.ownerId),
    ...(r.visibility === 'public' ? [redisKeys.ownerPublic(r.ownerId)] : []),
    ...tags.map((t) => redisKeys.ownerTag(r.ownerId, t)),
  ];
}

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
    // defineCommand sends EVALSHA (the script body once per connection, not per upload).
    // The number of keys varies with the listings an image belongs to: passed per call.
    redis.defineCommand('imgsvcCreateAndEnqueue', { lua: CREATE_AND_ENQUEUE });
  }

  /** False while the connection is down: callers with another source of truth can skip the wait. */
  get available(): boolean {
    return this.redis.status === 'ready';
  }

  async get(id: string): Promise<ImageRecord | undefined> {
    const hash = await this.redis.hgetall(redisKeys.image(id));
    return recordFromHash(hash);
  }

  /** The owner's image of these bytes: dedup never looks across owners, so it cannot become an oracle. */
  async idForSha(ownerId: string, sha256: string): Promise<string | undefined> {
    return (await this.redis.get(redisKeys.byDedupKey(dedupKey({ ownerId, sha256 })))) ?? undefined;
  }

  /** Whether any image, of any owner, still uses these original bytes. */
  async isOriginalReferenced(sha256: string): Promise<boolean> {
    return (await this.redis.scard(redisKeys.shaRefs(sha256))) > 0;
  }

  /** `actorId`: who uploaded (the event's actor), when a user did. */
  async createAndEnqueue(record: ImageRecord, actorId?: string): Promise<CreateResult> {
    const fields = Object.entries(recordToHash(record)).flat();
    const keys = [
      redisKeys.byDedupKey(dedupKey(record)),
      redisKeys.image(record.id),
      redisKeys.allImages,
      redisKeys.resizeStream,
      redisKeys.resizeLive,
      redisKeys.shaRefs(record.sha256),
      redisKeys.events,
      ...listingKeys(record),
    ];
    const tx = this.redis.multi();
    (tx as unknown as Record<'imgsvcCreateAndEnqueue', (...args: (string | number)[]) => unknown>).imgsvcCreateAndEnqueue(keys.length, ...keys, record.id, record.sha256, ...this.events.scriptArgs(createdEvent(record, actorId)), ...fields);
    // The search entries join the same MULTI, applied only if the script above created the image.
    applySearchAddsIfCreated(tx, keys[0]!, record.id, searchIndexOps(undefined, record));
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
    const key = redisKeys.image(record.id);
    const hash = recordToHash(record);
    const stale = OPTIONAL_FIELDS.filter((f) => !(f in hash));
    const tx = this.redis.multi().hset(key, hash);
    if (stale.length > 0) tx.hdel(key, ...stale);
    const now = new Set(listingKeys(record));
    for (const old of previous ? listingKeys(previous) : []) if (!now.has(old)) tx.zrem(old, record.id);
    for (const k of now) tx.zadd(k, 0, record.id);
    if (record.deletedAt !== undefined) tx.zadd(redisKeys.trashByTime, Date.parse(record.deletedAt), record.id);
    else if (previous?.deletedAt !== undefined) tx.zrem(redisKeys.trashByTime, record.id);
    this.events.queue(tx, events);
    applySearchOps(tx, searchIndexOps(previous, record));
    await tx.exec();
    if (record.deletedAt !== undefined && previous?.deletedAt === undefined) {
      // A deleted image no longer holds its bytes' dedup slot: uploading them again makes a new image.
      await this.redis.eval(RELEASE_SHA, 1, redisKeys.byDedupKey(dedupKey(record)), record.id);
    } else if (record.deletedAt === undefined && previous?.deletedAt !== undefined) {
      await this.redis.set(redisKeys.byDedupKey(dedupKey(record)), record.id, 'NX');
    }
  }

  /** Image ids after `after`, in id (= creation) order. */
  async listIds(after: string | undefined, limit: number): Promise<string[]> {
    return this.redis.zrangebylex(redisKeys.allImages, after ? `(${after}` : '-', '+', 'LIMIT', 0, limit);
  }

  async getMany(ids: string[]): Promise<(ImageRecord | undefined)[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(redisKeys.image(id));
    const results = (await pipeline.exec()) ?? [];
    return results.map(([err, hash]) => (err ? undefined : recordFromHash(hash as Record<string, string>)));
  }

  /** Writes a record as it is (reindex from manifests); does not enqueue. */
  async put(record: ImageRecord): Promise<void> {
    // What the index holds now (a reindex over a live index): its stale search entries go.
    const indexed = await this.get(record.id);
    const tx = this.redis
      .multi()
      .hset(redisKeys.image(record.id), recordToHash(record))
      .zadd(redisKeys.allImages, 0, record.id)
      .sadd(redisKeys.shaRefs(record.sha256), record.id);
    for (const k of listingKeys(record)) tx.zadd(k, 0, record.id);
    if (record.deletedAt === undefined) tx.set(redisKeys.byDedupKey(dedupKey(record)), record.id);
    else tx.zadd(redisKeys.trashByTime, Date.parse(record.deletedAt), record.id);
    applySearchOps(tx, searchIndexOps(indexed, record));
    await tx.exec();
  }

  /**
   * Removes a record and its place in the id index (a duplicate reindex collapsed). The dedup
   * entry is left alone: it names the image that was kept.
   */
  async remove(id: string): Promise<void> {
    const record = await this.get(id);
    if (!record) return;
    const tx = this.redis.multi().del(redisKeys.image(id)).zrem(redisKeys.allImages, id).hdel(redisKeys.resizeLive, id).srem(redisKeys.shaRefs(record.sha256), id);
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
