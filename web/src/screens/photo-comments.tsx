import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, type Image, type User } from '../api.js';
import { formatDate } from '../images.js';

interface Comment {
  id: string;
  authorId: string;
  author?: { id: string; handle: string; displayName: string } | null;
  body: string;
  createdAt: string;
}
interface CommentPage {
  items: Comment[];
  commentsEnabled: boolean;
  nextCursor: string | null;
}

/** The comments, oldest first; the owner's switch; a form while comments are open. */
export function Comments({ image, user, mine, onToggle }: { image: Image; user: User | null; mine: boolean; onToggle: (i: Image) => void }) {
  const [page, setPage] = useState<CommentPage | undefined>();
  const [body, setBody] = useState('');
  const [error, setError] = useState('');
  const load = () => api<CommentPage>('GET', `/v1/images/${image.id}/comments?limit=200`).then(setPage, (err) => setError(messageOf(err)));
  useEffect(() => void load(), [image.id, image.commentsEnabled]);
  const post = async (e: Event) => {
    e.preventDefault();
    try {
      await api('POST', `/v1/images/${image.id}/comments`, { body });
      setBody('');
      setError('');
      await load();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  const remove = async (c: Comment) => {
    await api('DELETE', `/v1/images/${image.id}/comments/${c.id}`).catch((err: unknown) => setError(messageOf(err)));
    await load();
  };
  const toggle = async () => onToggle(await api<Image>('PATCH', `/v1/images/${image.id}`, { commentsEnabled: !image.commentsEnabled }));
  return (
    <section class="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">Comments</h2>
      {mine ? (
        <label class="inline">
          <input type="checkbox" checked={image.commentsEnabled} onChange={() => void toggle()} /> Others may comment
        </label>
      ) : null}
      <ol class="comment-list">
        {page?.items.map((c) => (
          <li key={c.id}>
            <strong>{c.author?.displayName || c.author?.handle || 'someone'}</strong> <span class="muted">{formatDate(c.createdAt)}</span>
            <p>{c.body}</p>
            {user && (mine || user.id === c.authorId) ? (
              <button type="button" class="link" onClick={() => void remove(c)} aria-label={`Delete the comment of ${formatDate(c.createdAt)}`}>
                Delete
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      {page && page.items.length === 0 ? <p class="muted">No comments yet.</p> : null}
      {error ? <p role="alert" class="error">{error}</p> : null}
      {user && (page?.commentsEnabled ?? image.commentsEnabled) ? (
        <form onSubmit={post}>
          <label for="comment-body">Add a comment</label>
          <textarea id="comment-body" required maxLength={2000} rows={2} value={body} onInput={(e) => setBody(e.currentTarget.value)} />
          <button type="submit">Post comment</button>
        </form>
      ) : page && !page.commentsEnabled ? (
        <p class="muted">Comments are closed.</p>
      ) : null}
    </section>
  );
}
