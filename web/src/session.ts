import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken, type User } from './api.js';

interface SessionBody {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

type Listener = (user: User | null) => void;
let user: User | null | undefined;
const listeners = new Set<Listener>();

function set(next: User | null): void {
  user = next;
  for (const l of listeners) l(next);
}

/** Asks the service whether this browser is signed in (and learns the CSRF token). */
export async function loadSession(): Promise<void> {
  try {
    const s = await api<SessionBody>('GET', '/v1/session');
    setCsrfToken(s.csrfToken);
    set(s.user);
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 401) console.warn('session check failed', err);
    setCsrfToken('');
    set(null);
  }
}

export async function signIn(handle: string, password: string): Promise<void> {
  const s = await api<SessionBody>('POST', '/v1/session', { handle, password });
  setCsrfToken(s.csrfToken);
  set(s.user);
}

export async function signOut(everywhere = false): Promise<void> {
  await api(everywhere ? 'POST' : 'DELETE', everywhere ? '/v1/session/revoke-all' : '/v1/session');
  setCsrfToken('');
  set(null);
}

/** The signed-in user: undefined while unknown, null when anonymous. */
export function useUser(): User | null | undefined {
  const [u, setU] = useState(user);
  useEffect(() => {
    listeners.add(setU);
    setU(user);
    return () => void listeners.delete(setU);
  }, []);
  return u;
}

export function currentUser(): User | null {
  return user ?? null;
}
