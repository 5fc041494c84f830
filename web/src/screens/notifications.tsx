import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api.js';
import { formatDate } from '../images.js';

interface Note {
  id: string;
  imageId: string;
  count: number;
  latest: { commentId: string; authorId: string; author?: { handle: string; displayName: string } | null }[];
  lastAt: string;
  read: boolean;
}

/** Comments on the person's photos, in batches, newest first. */
export function Notifications() {
  const [items, setItems] = useState<Note[] | undefined>();
  const [unread, setUnread] = useState(0);
  const [error, setError] = useState('');
  const load = () => api<{ items: Note[]; unreadCount: number }>('GET', '/v1/me/notifications?limit=100').then((r) => (setItems(r.items), setUnread(r.unreadCount)), (err) => setError(messageOf(err)));
  useEffect(() => void load(), []);
  const markAll = async () => {
    await api('POST', '/v1/me/notifications/read', { all: true });
    await load();
  };
  return (
    <>
      <div class="toolbar">
        <h1>Notifications</h1>
        <span class="muted" data-testid="unread-count">{unread} unread</span>
        <button type="button" disabled={!unread} onClick={() => void markAll()}>Mark all read</button>
      </div>
      {error ? <p role="alert" class="error">{error}</p> : null}
      {items?.length === 0 ? <p class="empty">Nothing yet.</p> : null}
      <ul class="rows" aria-label="Notifications">
        {items?.map((n) => {
          const who = [...new Set(n.latest.map((l) => l.author?.displayName || l.author?.handle || 'someone'))].join(', ');
          return (
            <li key={n.id} class={`row notification${n.read ? '' : ' unread'}`}>
              <a href={`/app/photos/${n.imageId}`}>
                {n.count} new comment{n.count === 1 ? '' : 's'} by {who}
              </a>
              <span class="muted"> {formatDate(n.lastAt)}{n.read ? '' : ' · unread'}</span>
            </li>
          );
        })}
      </ul>
    </>
  );
}
