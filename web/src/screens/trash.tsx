import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, qs, type Image, type Page } from '../api.js';
import { formatDate, titleOf } from '../images.js';
import { Placeholder } from '../parts/placeholder.js';

/** Deleted photos until they are erased; restore puts one back as it was. */
export function Trash() {
  const [items, setItems] = useState<Image[] | undefined>();
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const load = (after: string | null) =>
    api<Page<Image>>('GET', `/v1/trash${qs({ limit: 100, after })}`).then(
      (p) => {
        setItems((prev) => (after ? [...(prev ?? []), ...p.items] : p.items));
        setCursor(p.nextCursor);
      },
      (err) => setError(messageOf(err)),
    );
  useEffect(() => void load(null), []);
  const restore = async (image: Image) => {
    try {
      await api('POST', `/v1/images/${image.id}/restore`);
      setItems((prev) => prev?.filter((i) => i.id !== image.id));
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <>
      <h1>Trash</h1>
      {error ? <p role="alert" class="error">{error}</p> : null}
      {items?.length === 0 ? <p class="empty">The trash is empty.</p> : null}
      <ul class="rows" aria-label="Deleted photos">
        {items?.map((i) => (
          <li key={i.id} class="row">
            <span class="row-thumb"><Placeholder hash={i.placeholder} /></span>
            <span class="row-main">
              <strong>{titleOf(i)}</strong>
              <span class="muted"> deleted {formatDate(i.deletedAt)}{i.eraseAt ? `, erased ${formatDate(i.eraseAt)}` : ''}</span>
            </span>
            <button type="button" onClick={() => void restore(i)} aria-label={`Restore ${titleOf(i)}`}>
              Restore
            </button>
          </li>
        ))}
      </ul>
      {cursor ? <button type="button" onClick={() => void load(cursor)}>Load more</button> : null}
    </>
  );
}
