import type { Principal } from '../accounts/principal.js';
import { AppError, badRequest, notFound } from '../core/errors.js';
import { isImageId } from '../core/ids.js';
import type { Album, AlbumStore } from '../sharing/album-store.js';
import { decideAlbumManage, decideAlbumView } from './decide.js';
import type { ImageGuard } from './image-guard.js';

/**
 * The one place routes ask whether a caller may see or change an album. An album's visibility
 * follows its items (see `decideAlbumView`); whether the caller sees an item is asked of the
 * image guard, one item at a time, stopping at the first, and only when the answer matters.
 */
export class AlbumGuard {
  constructor(
    private readonly albums: AlbumStore,
    private readonly images: ImageGuard,
  ) {}

  async view(principal: Principal, id: unknown): Promise<Album> {
    const album = await this.load(id);
    if (decideAlbumView(principal, album, false) === 'allow') return album;
    if (decideAlbumView(principal, album, await this.seesAnItem(principal, album)) !== 'allow') throw hiddenAlbum(album.id);
    return album;
  }

  async manage(principal: Principal, id: unknown): Promise<Album> {
    const album = await this.load(id);
    if (decideAlbumManage(principal, album, false) === 'allow') return album;
    const decision = decideAlbumManage(principal, album, await this.seesAnItem(principal, album));
    if (decision === 'forbidden') throw new AppError(403, 'not_owner', 'only the owner of this album or an admin may do this');
    throw hiddenAlbum(album.id);
  }

  /** Whether the caller may see this album (for listings). */
  async canView(principal: Principal, album: Album): Promise<boolean> {
    return decideAlbumView(principal, album, false) === 'allow' || decideAlbumView(principal, album, await this.seesAnItem(principal, album)) === 'allow';
  }

  private async seesAnItem(principal: Principal, album: Album): Promise<boolean> {
    for (const imageId of album.imageIds) if (await this.images.visible(principal, imageId)) return true;
    return false;
  }

  private async load(id: unknown): Promise<Album> {
    const text = typeof id === 'string' ? id : '';
    if (!isImageId(text)) throw badRequest('invalid_id', `expected a 26-character album id but received ${JSON.stringify(text)}`);
    const album = await this.albums.get(text);
    if (!album) throw hiddenAlbum(text);
    return album;
  }
}

export function hiddenAlbum(id: string): AppError {
  return notFound('album_not_found', `no album with id ${id}`);
}
