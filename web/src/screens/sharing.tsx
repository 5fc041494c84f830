import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, type User } from '../api.js';

/** Viewers see all of the owner's private photos; granted and revoked by handle. */
export function Sharing() {
  const [viewers, setViewers] = useState<User[] | undefined>();
  const [handle, setHandle] = useState('');
  const [status, setStatus] = useState('');
  const load = () => api<{ items: User[] }>('GET', '/v1/me/viewers').then((r) => setViewers(r.items), (err) => setStatus(messageOf(err)));
  useEffect(() => void load(), []);
  const grant = async (e: Event) => {
    e.preventDefault();
    try {
      await api('PUT', `/v1/me/viewers/${encodeURIComponent(handle.trim())}`);
      setStatus(`${handle.trim()} may now see your private photos.`);
      setHandle('');
      await load();
    } catch (err) {
      setStatus(messageOf(err));
    }
  };
  const revoke = async (v: User) => {
    try {
      await api('DELETE', `/v1/me/viewers/${encodeURIComponent(v.id)}`);
      setStatus(`${v.handle} no longer sees your private photos.`);
      await load();
    } catch (err) {
      setStatus(messageOf(err));
    }
  };
  return (
    <>
      <h1>Sharing</h1>
      <p>Your viewers see your private photos. Anyone can see your public ones. To share one private photo with someone else, copy a signed link from its page.</p>
      <form class="toolbar" onSubmit={grant}>
        <label for="viewer-handle">Viewer's handle</label>
        <input id="viewer-handle" required value={handle} onInput={(e) => setHandle(e.currentTarget.value)} />
        <button type="submit">Grant</button>
      </form>
      <p role="status" class="muted">{status}</p>
      <h2>Your viewers</h2>
      {viewers?.length === 0 ? <p class="empty">Nobody yet.</p> : null}
      <ul class="rows" aria-label="Your viewers">
        {viewers?.map((v) => (
          <li key={v.id} class="row">
            <span class="row-main">{v.displayName || v.handle} <span class="muted">@{v.handle}</span></span>
            <button type="button" onClick={() => void revoke(v)} aria-label={`Revoke ${v.handle}`}>Revoke</button>
          </li>
        ))}
      </ul>
    </>
  );
}
