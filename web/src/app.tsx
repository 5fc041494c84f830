import { useEffect, useState } from 'preact/hooks';
import { api, type User } from './api.js';
import { onLinkClick, useRoute, navigate } from './router.js';
import { signOut, useUser } from './session.js';
import { Admin } from './screens/admin.js';
import { AlbumPage, Albums } from './screens/albums.js';
import { Favorites } from './screens/favorites.js';
import { Home } from './screens/home.js';
import { NotFound } from './screens/not-found.js';
import { Notifications } from './screens/notifications.js';
import { People } from './screens/people.js';
import { PhotoPage } from './screens/photo.js';
import { Search } from './screens/search.js';
import { SetPassword } from './screens/set-password.js';
import { Sharing } from './screens/sharing.js';
import { SignIn } from './screens/sign-in.js';
import { Trash } from './screens/trash.js';

/** The unread count behind the badge: at start, on each screen change, and every 30 s. */
function useUnread(user: User | null | undefined, screen: string): number {
  const [unread, setUnread] = useState(0);
  useEffect(() => {
    if (!user) return;
    let live = true;
    const poll = () => void api<{ unreadCount: number }>('GET', '/v1/me/notifications?limit=1').then((r) => live && setUnread(r.unreadCount), () => undefined);
    poll();
    const timer = setInterval(poll, 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [user, screen]);
  return user ? unread : 0;
}

function Nav({ user, unread }: { user: User | null; unread: number }) {
  const [open, setOpen] = useState(false);
  if (!user) {
    return (
      <nav aria-label="Main">
        <a href="/app/sign-in">Sign in</a>
      </nav>
    );
  }
  return (
    <nav aria-label="Main" class={open ? 'open' : ''}>
      <button type="button" class="menu-toggle" aria-expanded={open} aria-controls="main-links" onClick={() => setOpen(!open)}>
        Menu
      </button>
      <ul id="main-links" onClick={() => setOpen(false)}>
        <li><a href="/app">Photos</a></li>
        <li><a href="/app/albums">Albums</a></li>
        <li><a href="/app/favorites">Favorites</a></li>
        <li><a href="/app/search">Search</a></li>
        <li><a href="/app/people">People</a></li>
        <li><a href="/app/sharing">Sharing</a></li>
        <li><a href="/app/trash">Trash</a></li>
        {user.role === 'admin' ? <li><a href="/app/admin">Admin</a></li> : null}
        <li>
          <a href="/app/notifications">
            Notifications
            {unread ? (
              <span class="badge" data-testid="unread-badge" data-count={unread}>
                {unread}
                <span class="visually-hidden"> unread</span>
              </span>
            ) : null}
          </a>
        </li>
        <li>
          <button type="button" class="link" onClick={() => void signOut().then(() => navigate('/app/sign-in'))}>
            Sign out
          </button>
        </li>
      </ul>
    </nav>
  );
}

function Screen({ user }: { user: User | null }) {
  const route = useRoute();
  switch (route.screen) {
    case '':
      return user ? <Home user={user} /> : <SignIn />;
    case 'sign-in':
      return <SignIn />;
    case 'set-password':
      return <SetPassword />;
    case 'photos':
      return route.id ? <PhotoPage id={route.id} user={user} /> : <NotFound />;
    case 'people':
      return <People handle={route.id} user={user} />;
    case 'search':
      return <Search user={user} />;
  }
  if (!user) return <SignIn />;
  switch (route.screen) {
    case 'albums':
      return route.id ? <AlbumPage id={route.id} user={user} /> : <Albums user={user} />;
    case 'favorites':
      return <Favorites />;
    case 'sharing':
      return <Sharing />;
    case 'trash':
      return <Trash />;
    case 'notifications':
      return <Notifications />;
    case 'admin':
      return user.role === 'admin' ? <Admin /> : <NotFound />;
    default:
      return <NotFound />;
  }
}

export function App() {
  const user = useUser();
  const route = useRoute();
  const unread = useUnread(user, route.screen);
  useEffect(() => {
    document.addEventListener('click', onLinkClick);
    return () => document.removeEventListener('click', onLinkClick);
  }, []);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <a href="/app" class="brand">imgsvc</a>
        {user === undefined ? null : <Nav user={user} unread={unread} />}
      </header>
      <main id="main" tabIndex={-1}>
        {user === undefined ? <p role="status">Loading…</p> : <Screen user={user} />}
      </main>
    </>
  );
}
