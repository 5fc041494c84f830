import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf, type Image, type Page } from '../api.js';
import { setBrowseContext } from '../browse-context.js';
import { Thumb } from './thumb.js';

/**
 * A grid over a cursor listing: the first page at once, the next when the sentinel below the
 * grid comes near the viewport (infinite scroll), with a button for keyboards and old browsers.
 * `source` builds a page's path from the cursor; a new `source` (sort, query) starts over.
 */
export function ImageGrid({ source, empty, label, reload = 0 }: { source: (cursor: string | null) => string; empty: string; label: string; reload?: number }) {
  const [items, setItems] = useState<Image[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const sentinel = useRef<HTMLDivElement>(null);
  const generation = useRef(0);

  const load = useCallback(
    async (from: string | null, gen: number) => {
      setBusy(true);
      try {
        const page = await api<Page<Image>>('GET', source(from));
        if (gen !== generation.current) return;
        setItems((prev) => {
          const next = from ? [...prev, ...page.items] : page.items;
          setBrowseContext(next.map((i) => i.id));
          return next;
        });
        setCursor(page.nextCursor);
        setDone(!page.nextCursor);
        setError('');
      } catch (err) {
        if (gen === generation.current) setError(messageOf(err));
      } finally {
        if (gen === generation.current) setBusy(false);
      }
    },
    [source],
  );

  useEffect(() => {
    generation.current++;
    setItems([]);
    setDone(false);
    setCursor(null);
    void load(null, generation.current);
  }, [load, reload]);

  useEffect(() => {
    const el = sentinel.current;
    if (!el || done || busy) return;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting) && cursor) void load(cursor, generation.current);
    }, { rootMargin: '600px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [cursor, done, busy, load]);

  return (
    <section aria-label={label}>
      {error ? <p role="alert" class="error">{error}</p> : null}
      {items.length === 0 && done && !error ? <p class="empty">{empty}</p> : null}
      <ul class="grid" aria-busy={busy}>
        {items.map((image) => (
          <li key={image.id}>
            <Thumb image={image} />
          </li>
        ))}
      </ul>
      <div ref={sentinel} class="sentinel" />
      {!done && cursor && !busy ? (
        <button type="button" class="more" onClick={() => void load(cursor, generation.current)}>
          Load more
        </button>
      ) : null}
      {busy ? <p class="loading" role="status">Loading…</p> : null}
    </section>
  );
}
