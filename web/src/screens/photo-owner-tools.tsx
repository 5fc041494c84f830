import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, type Image, type Page } from '../api.js';
import { navigate } from '../router.js';
import { PhotoStats } from './photo-stats.js';

interface Album {
  id: string;
  title: string;
}

/** What only the owner does with a photo: visibility, a signed link, albums, the trash, its analytics. */
export function PhotoOwnerTools({ image, onChange }: { image: Image; onChange: (i: Image) => void }) {
  const [status, setStatus] = useState('');
  const [link, setLink] = useState('');
  const [albums, setAlbums] = useState<Album[]>([]);
  const [album, setAlbum] = useState('');
  // The choice shows at once; the record follows when the service has it.
  const [visibility, setShown] = useState(image.visibility);
  useEffect(() => setShown(image.visibility), [image.visibility]);
  useEffect(() => {
    setLink('');
    api<Page<Album>>('GET', '/v1/albums?limit=200').then((p) => setAlbums(p.items), () => setAlbums([]));
  }, [image.id]);
  const act = async (what: string, run: () => Promise<void>) => {
    setStatus(`${what}…`);
    try {
      await run();
      setStatus(`${what}: done`);
    } catch (err) {
      setStatus(`${what}: ${messageOf(err)}`);
    }
  };
  const setVisibility = (next: 'public' | 'private') => {
    setShown(next);
    return act('Visibility', async () => onChange(await api<Image>('PATCH', `/v1/images/${image.id}`, { visibility: next })));
  };
  const mint = () =>
    act('Signed link', async () => {
      const made = await api<{ urls: Record<string, string> }>('POST', `/v1/images/${image.id}/signed-urls`, { ttlSeconds: 7 * 86_400 });
      const url = made.urls.default ?? '';
      setLink(url);
      await navigator.clipboard?.writeText(url).catch(() => undefined);
    });
  return (
    <section class="owner-tools" aria-label="Owner tools">
      <fieldset>
        <legend>Who may see it</legend>
        <label class="inline"><input type="radio" name="visibility" checked={visibility === 'public'} onChange={() => void setVisibility('public')} /> Public: everyone</label>
        <label class="inline"><input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => void setVisibility('private')} /> Private: you and your viewers</label>
      </fieldset>
      {image.visibility === 'private' ? (
        <div>
          <button type="button" onClick={() => void mint()}>Copy a signed link (7 days)</button>
          {link ? <input class="link-out" readOnly value={link} aria-label="Signed link to this photo" onFocus={(e) => e.currentTarget.select()} /> : null}
        </div>
      ) : null}
      <form class="inline-form" onSubmit={(e) => (e.preventDefault(), album && void act('Add to album', async () => void (await api('PUT', `/v1/albums/${album}/images/${image.id}`))))}>
        <label for="album-pick">Album</label>
        <select id="album-pick" value={album} onChange={(e) => setAlbum(e.currentTarget.value)}>
          <option value="">Choose…</option>
          {albums.map((a) => <option key={a.id} value={a.id}>{a.title}</option>)}
        </select>
        <button type="submit" disabled={!album}>Add to album</button>
      </form>
      <button type="button" class="danger" onClick={() => void act('Delete', async () => { await api('DELETE', `/v1/images/${image.id}`); navigate('/app/trash'); })}>
        Move to trash
      </button>
      <p role="status" class="muted">{status}</p>
      <PhotoStats id={image.id} />
    </section>
  );
}
