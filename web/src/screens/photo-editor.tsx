import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, type Image } from '../api.js';

const toLocalInput = (iso: string | null) => (iso ? new Date(new Date(iso).getTime() - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 16) : '');

/** Title, description, tags, date taken and place, saved in one PATCH (If-Match: no lost edits). */
export function PhotoEditor({ image, onSaved }: { image: Image; onSaved: (i: Image) => void }) {
  const [title, setTitle] = useState(image.title ?? '');
  const [description, setDescription] = useState(image.description ?? '');
  const [tags, setTags] = useState(image.tags.join(', '));
  const [takenAt, setTakenAt] = useState(toLocalInput(image.takenAt));
  const [place, setPlace] = useState(image.location?.place ?? '');
  const [status, setStatus] = useState('');
  useEffect(() => {
    setTitle(image.title ?? '');
    setDescription(image.description ?? '');
    setTags(image.tags.join(', '));
    setTakenAt(toLocalInput(image.takenAt));
    setPlace(image.location?.place ?? '');
  }, [image.id]);
  const save = async (e: Event) => {
    e.preventDefault();
    setStatus('Saving…');
    try {
      const body: Record<string, unknown> = {
        title: title.trim() || null,
        description: description.trim() || null,
        tags: tags.split(',').map((t) => t.trim()).filter(Boolean),
        takenAt: takenAt ? new Date(takenAt).toISOString() : null,
      };
      // A place is kept on the location; without coordinates there is nothing to attach it to.
      if (image.location) body.location = place.trim() ? { lat: image.location.lat, lon: image.location.lon, place: place.trim() } : { lat: image.location.lat, lon: image.location.lon };
      onSaved(await api<Image>('PATCH', `/v1/images/${image.id}`, body));
      setStatus('Saved');
    } catch (err) {
      setStatus(messageOf(err));
    }
  };
  return (
    <details class="editor">
      <summary>Edit details</summary>
      <form onSubmit={save}>
        <label for="edit-title">Title</label>
        <input id="edit-title" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        <label for="edit-description">Description</label>
        <textarea id="edit-description" maxLength={5000} rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
        <label for="edit-tags">Tags (comma-separated)</label>
        <input id="edit-tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
        <label for="edit-taken">Date taken</label>
        <input id="edit-taken" type="datetime-local" value={takenAt} onInput={(e) => setTakenAt(e.currentTarget.value)} />
        {image.location ? (
          <>
            <label for="edit-place">Place</label>
            <input id="edit-place" maxLength={200} value={place} onInput={(e) => setPlace(e.currentTarget.value)} />
          </>
        ) : null}
        <button type="submit">Save details</button>
        <span role="status" class="muted">{status}</span>
      </form>
    </details>
  );
}
