import { describe, expect, it } from 'vitest';
import { useRedisAndStore } from '../../test/helpers/redis-and-store.js';
import { newImageId } from '../core/ids.js';
import { parseEvent } from '../events/event-log.js';
import { redisKeys, shardOf } from '../redis/keys.js';
import { albumKey } from '../storage/keys.js';
import { AlbumStore, type Album } from './album-store.js';

const t = useRedisAndStore('imgsvc-album-store-');

async function albumEvents(albumId: string) {
  const entries = (await t.redis.xrange(redisKeys.events(shardOf(albumId)), '-', '+')) as [string, string[]][];
  return entries
    .map(([id, fields]) => parseEvent(id, fields)!)
    .filter((e) => e.data.albumId === albumId)
    .map((e) => ({ type: e.type, revision: e.data.revision, changed: e.data.changed, actorId: e.actorId }));
}

describe('AlbumStore', () => {
  it('reports a write that reached storage but not Redis (a pod killed between the two) before the next one, and fixes the image sets it left', async () => {
    const albums = new AlbumStore(t.redis, t.store);
    const [kept, dropped] = [newImageId(), newImageId()];
    const album = await albums.create('owner', { title: 'Trip' }, new Date(), 'owner');
    await albums.update(album.id, (a) => ({ ...a, imageIds: [kept, dropped] }), 'owner');
    // The killed pod's write: storage has revision 3 (a new title, one image fewer); Redis never got it.
    const stored = JSON.parse((await t.store.getBuffer(albumKey(album.id))).toString()) as Album;
    await t.store.put(albumKey(album.id), Buffer.from(JSON.stringify({ ...stored, title: 'Trip 2026', imageIds: [kept], revision: 3 })));

    const next = await albums.update(album.id, (a) => ({ ...a, description: 'by the sea' }), 'owner');

    expect(next).toMatchObject({ revision: 4, title: 'Trip 2026', description: 'by the sea', imageIds: [kept] });
    expect(await albumEvents(album.id)).toEqual([
      { type: 'album.updated', revision: 1, changed: ['title', 'description', 'coverImageId', 'imageIds'], actorId: 'owner' },
      { type: 'album.updated', revision: 2, changed: ['imageIds'], actorId: 'owner' },
      { type: 'album.updated', revision: 3, changed: ['title', 'imageIds'], actorId: undefined },
      { type: 'album.updated', revision: 4, changed: ['description'], actorId: 'owner' },
    ]);
    expect(await albums.albumsOf(kept)).toEqual([album.id]);
    expect(await albums.albumsOf(dropped), 'the dropped image no longer names the album').toEqual([]);
    expect((await albums.get(album.id))?.revision).toBe(4);
  });
});
