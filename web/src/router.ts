import { useEffect, useState } from 'preact/hooks';

/** The app's screens live under /app; the server answers every /app/<screen>[/<id>] with the same page. */
export interface Route {
  screen: string;
  id: string | undefined;
  query: URLSearchParams;
}

function current(): Route {
  const parts = location.pathname.replace(/^\/app\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  return { screen: parts[0] ?? '', id: parts[1], query: new URLSearchParams(location.search) };
}

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false): void {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  for (const l of listeners) l();
  window.scrollTo(0, 0);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return route;
}

/** Same-page links: a plain click navigates on the client; modified clicks open as the browser would. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.target as Element).closest('a');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !url.pathname.startsWith('/app') || a.target || a.hasAttribute('download')) return;
  e.preventDefault();
  navigate(url.pathname + url.search + url.hash);
}
