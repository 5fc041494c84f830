import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, messageOf, qs, type Image, type Page, type User } from '../api.js';
import { setBrowseContext } from '../browse-context.js';
import { titleOf } from '../images.js';
import { Thumb } from '../parts/thumb.js';
import { NotFound } from './not-found.js';

interface Album {
  id: string;
  ownerId: string;
  title: string;
  description: string | null;
  coverImageId: string | null;
  imageCount?: number;
}

export function Albums({ user }: { user: User }) {
  const [albums, setAlbums] = useState<Album[] | undefined>();
  const [title, setTitle] = useState('');
  const [error, setError] = useState('');
  const load = () => api<Page<Album>>('GET', `/v1/albums${qs({ owner: user.id, limit: 200 })}`).then((p) => setAlbums(p.items), (err) => setError(messageOf(err)));
  useEffect(() => void load(), [user.id]);
  const create = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', '/v1/albums', { title: title.trim() });
      setTitle('');
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <>
      <h1>Albums</h1>
      <form class="toolbar" onSubmit={create}>
        <label for="album-title">New album title</label>
        <input id="album-title" required maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        <button type="submit">Create album</button>
      </form>
      {error ? <p role="alert" class="error">{error}</p> : null}
      {albums?.length === 0 ? <p class="empty">No albums yet. Add photos to one from a photo's page.</p> : null}
      <ul class="rows">
        {albums?.map((a) => (
          <li key={a.id} class="row">
            <a href={`/app/albums/${a.id}`}>{a.title}</a>
            {a.imageCount !== undefined ? <span class="muted"> {a.imageCount} photos</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

/** An album: its photos in order; the owner reorders them, picks the cover, takes photos out. */
export function AlbumPage({ id, user }: { id: string; user: User }) {
  const [album, setAlbum] = useState<Album | null | undefined>();
  const [items, setItems] = useState<Image[]>([]);
  const [status, setStatus] = useState('');
  const load = async () => {
    try {
      setAlbum(await api<Album>('GET', `/v1/albums/${encodeURIComponent(id)}`));
      const page = await api<Page<Image>>('GET', `/v1/albums/${encodeURIComponent(id)}/images?limit=200`);
      setItems(page.items);
      setBrowseContext(page.items.map((i) => i.id));
    } catch (err) {
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) setAlbum(null);
      else setStatus(messageOf(err));
    }
  };
  useEffect(() => void load(), [id]);
  if (album === null) return <NotFound what="album" />;
  if (!album) return <p role="status">Loading…</p>;
  const mine = album.ownerId === user.id || user.role === 'admin';
  const patch = async (body: Record<string, unknown>) => {
    try {
      setAlbum(await api<Album>('PATCH', `/v1/albums/${album.id}`, body));
      setStatus('Saved');
    } catch (err) {
      setStatus(messageOf(err));
    }
  };
  const move = async (from: number, to: number) => {
    const next = [...items];
    const [moved] = next.splice(from, 1);
    next.splice(to, 0, moved!);
    setItems(next);
    await patch({ imageIds: next.map((i) => i.id) });
  };
  const remove = async (image: Image) => {
    await api('DELETE', `/v1/albums/${album.id}/images/${image.id}`);
    setItems(items.filter((i) => i.id !== image.id));
  };
  return (
    <>
      <h1>{album.title}</h1>
      {album.description ? <p>{album.description}</p> : null}
      <p role="status" class="muted">{status}</p>
      {items.length === 0 ? <p class="empty">No photos in this album yet.</p> : null}
      <ol class="album-items">
        {items.map((image, i) => (
          <li key={image.id} class={album.coverImageId === image.id ? 'cover' : ''}>
            <Thumb image={image} />
            {mine ? (
              <span class="album-tools">
                <button type="button" disabled={i === 0} onClick={() => void move(i, i - 1)} aria-label={`Move ${titleOf(image)} earlier`}>↑</button>
                <button type="button" disabled={i === items.length - 1} onClick={() => void move(i, i + 1)} aria-label={`Move ${titleOf(image)} later`}>↓</button>
                <button type="button" aria-pressed={album.coverImageId === image.id} onClick={() => void patch({ coverImageId: image.id })} aria-label={`Make ${titleOf(image)} the cover`}>Cover</button>
                <button type="button" onClick={() => void remove(image)} aria-label={`Take ${titleOf(image)} out of the album`}>✕</button>
              </span>
            ) : null}
          </li>
        ))}
      </ol>
    </>
  );
}
