import { describe, expect, it } from 'vitest';
import { useRedisAndStore } from '../../test/helpers/redis-and-store.js';
import { parseEvent } from '../events/event-log.js';
import { newImageId } from '../core/ids.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { ImageIndex } from './image-index.js';
import type { ImageRecord } from './image-record.js';
import { manifestOrNothing, writeManifest } from './manifest-store.js';
import { RecordWriter } from './record-writer.js';

const t = useRedisAndStore('imgsvc-record-writer-');

function record(overrides: Partial<ImageRecord> = {}): ImageRecord {
  const now = new Date().toISOString();
  return {
    id: newImageId(), ownerId: 'owner', visibility: 'public', sha256: 'a'.repeat(64), format: 'jpeg', width: 10, height: 10, bytes: 100, orientation: 1,
    hasAlpha: false, frames: 1, status: 'ready', createdAt: now, updatedAt: now, meta: { title: 'one', tags: [] }, revision: 3, variants: [],
    ...overrides,
  };
}

async function eventsOf(id: string) {
  const entries = (await t.redis.xrange(redisKeys.events(shardOf(id)), '-', '+')) as [string, string[]][];
  return entries.map(([eid, fields]) => parseEvent(eid, fields)!).filter((e) => e.imageId === id).map((e) => ({ type: e.type, revision: e.data.revision, changed: e.data.changed, actorId: e.actorId }));
}

describe('RecordWriter', () => {
  it('reports a change that reached the manifest but not the index (a pod killed between the two writes) under its own revision, then the new one', async () => {
    const indexed = record();
    const index = new ImageIndex(t.redis);
    await index.put(indexed);
    // The killed pod's write: the manifest has revision 4, the index (and the event stream) never got it.
    await writeManifest(t.store, { ...indexed, meta: { title: 'two', tags: [] }, visibility: 'private', revision: 4 });

    const writer = new RecordWriter(t.redis, index, t.store, undefined);
    const next = await writer.update(indexed.id, (current) => ({ ...current, meta: { ...current.meta, title: 'three' } }), 'editor');

    expect(next).toMatchObject({ revision: 5, visibility: 'private', meta: { title: 'three' } });
    expect((await manifestOrNothing(t.store, indexed.id))?.revision).toBe(5);
    expect(await eventsOf(indexed.id)).toEqual([
      { type: 'image.visibility_changed', revision: 4, changed: undefined, actorId: undefined },
      { type: 'image.updated', revision: 4, changed: ['title'], actorId: undefined },
      { type: 'image.updated', revision: 5, changed: ['title'], actorId: 'editor' },
    ]);
  });

  it('reports only its own change when the index is up to date', async () => {
    const indexed = record();
    const index = new ImageIndex(t.redis);
    await index.put(indexed);
    await writeManifest(t.store, indexed);
    await new RecordWriter(t.redis, index, t.store, undefined).update(indexed.id, (current) => ({ ...current, meta: { ...current.meta, title: 'two' } }), 'editor');
    expect(await eventsOf(indexed.id)).toEqual([{ type: 'image.updated', revision: 4, changed: ['title'], actorId: 'editor' }]);
  });
});
