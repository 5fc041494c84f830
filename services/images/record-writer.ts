import type { Redis } from 'ioredis';
import { notFound } from '../core/errors.js';
import { recordEvents } from '../events/record-events.js';
import { redisKeys } from '../redis/keys.js';
import type { InvalidationBus } from '../redis/invalidation-bus.js';
import { withShortLock } from '../redis/short-lock.js';
import type { ObjectStore } from '../storage/object-store.js';
import type { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { manifestOrNothing, writeManifest } from './manifest-store.js';

/**
 * Every change to an existing record goes through here: the resizer's status and variants and
 * the owner's edits (visibility, metadata) touch different fields of one manifest, so each
 * change re-reads the current record and rewrites it under a per-image lock; neither can undo
 * the other. Storage (the truth) is read beside the index and written first, then Redis, then
 * every pod is told. The
 * events the change reports go on the same MULTI as the Redis write.
 */
export class RecordWriter {
  constructor(
    private readonly redis: Redis,
    private readonly index: ImageIndex,
    private readonly store: ObjectStore,
    private readonly bus: InvalidationBus | undefined,
    /** Puts back a record the index lost (images/readopt.ts), so an edit of such an image is not a 404. */
    private readonly recover?: (id: string) => Promise<ImageRecord | undefined>,
  ) {}

  /** `actorId`: the user making the change (the principal), absent for the service's own work. */
  async update(id: string, change: (current: ImageRecord) => ImageRecord, actorId?: string): Promise<ImageRecord> {
    const next = await withShortLock(this.redis, redisKeys.recordLock(id), async () => {
      const indexed = (await this.index.get(id)) ?? (await this.recover?.(id));
      if (!indexed) throw notFound('image_not_found', `no image with id ${id}`);
      // Storage overrules Redis: after a failover that lost an acknowledged change (written to
      // the manifest first, then to a primary whose replica never got it), the manifest is newer
      // than the index, and this change must build on it, not undo it.
      const stored = await manifestOrNothing(this.store, id);
      const current = stored !== undefined && stored.revision > indexed.revision ? stored : indexed;
      const changed = { ...change(current), revision: current.revision + 1 };
      await writeManifest(this.store, changed);
      // A manifest ahead of the index is a change whose Redis step (and so its events) never
      // ran: a pod killed between the two writes, or a failover that lost it. It stands, so it
      // is reported now, under its own revision, before this change's; several lost revisions
      // are reported as the one difference they add up to. Its actor is not known.
      const adopted = current === indexed ? [] : recordEvents(indexed, current);
      // The index is diffed against what it holds (its listings, search terms and trash entry).
      await this.index.update(changed, indexed, [...adopted, ...recordEvents(current, changed, actorId)]);
      return changed;
    });
    await this.bus?.publish('image', id);
    return next;
  }
}
