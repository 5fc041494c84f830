import { useCallback, useState } from 'preact/hooks';
import { qs, type User } from '../api.js';
import { ImageGrid } from '../parts/image-grid.js';
import { navigate, useRoute } from '../router.js';

/** Titles, descriptions and tags: only what the caller may see. The query lives in the URL. */
export function Search({ user }: { user: User | null }) {
  const route = useRoute();
  const q = route.query.get('q') ?? '';
  const [text, setText] = useState(q);
  const source = useCallback((cursor: string | null) => `/v1/search${qs({ q, limit: 100, cursor })}`, [q]);
  return (
    <>
      <h1>Search</h1>
      <form class="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), navigate(`/app/search${qs({ q: text.trim() })}`))}>
        <label for="q">Words of a title, description or tag</label>
        <input id="q" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Search</button>
      </form>
      {!user ? <p class="muted">Signed out, you search public photos only.</p> : null}
      {q ? <ImageGrid source={source} label={`Results for ${q}`} empty={`Nothing found for “${q}”.`} /> : null}
    </>
  );
}
