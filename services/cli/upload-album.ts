/**
 * `imgsvc upload --album <id>`: the album is checked once before anything is sent (it must
 * exist and belong to the key's user, because an album holds only its owner's images), then
 * each stored file is put into it with `PUT /v1/albums/<id>/images/<imageId>`, which is
 * idempotent: a rerun adds what a killed run did not, and re-adding an item changes nothing.
 */
import { errorMessage, send } from './http-send.js';
import type { UploadTarget } from './upload-types.js';
import { withRetry } from './with-retry.js';
import type { AlbumOutcome } from './upload-types.js';

/** Undefined when the album is the caller's own; otherwise the sentence to print before exiting. */
export async function checkAlbum(target: UploadTarget, albumId: string): Promise<string | undefined> {
  const auth = { authorization: `Bearer ${target.key}` };
  try {
    const me = await withRetry(target, () => send('GET', new URL(`${target.base}/v1/me`), auth));
    if (me.status !== 200) return `cannot tell whose key this is: ${errorMessage(me)}`;
    const userId = (JSON.parse(me.text) as { id?: string }).id;
    const album = await withRetry(target, () => send('GET', new URL(`${target.base}/v1/albums/${albumId}`), auth));
    // The service answers 404 alike for a missing album and one the caller may not see.
    if (album.status === 404) return `no album ${albumId} that this key may see`;
    if (album.status !== 200) return `cannot read the album ${albumId}: ${errorMessage(album)}`;
    const ownerId = (JSON.parse(album.text) as { ownerId?: string }).ownerId;
    // An admin may manage anyone's album, but the images uploaded here would be the admin's own,
    // and the service refuses a foreign image in an album: say so before sending anything.
    if (ownerId !== userId) return `the album ${albumId} belongs to another user; an album holds only its owner's images`;
    return undefined;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `cannot reach ${target.base}: ${e.code ?? e.message}`;
  }
}

/** Puts one stored image into the album. Never throws: a failure is the outcome's `error`. */
export async function addToAlbum(target: UploadTarget, albumId: string, imageId: string): Promise<AlbumOutcome> {
  try {
    const res = await withRetry(target, () => send('PUT', new URL(`${target.base}/v1/albums/${albumId}/images/${imageId}`), { authorization: `Bearer ${target.key}` }));
    if (res.status === 200) return { id: albumId, position: (JSON.parse(res.text) as { position: number }).position };
    return { id: albumId, error: `not added to the album: ${errorMessage(res)}` };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { id: albumId, error: `not added to the album: network: ${e.code ?? e.message}` };
  }
}
