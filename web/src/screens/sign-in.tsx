import { useState } from 'preact/hooks';
import { messageOf } from '../api.js';
import { navigate } from '../router.js';
import { signIn } from '../session.js';

export function SignIn() {
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await signIn(handle.trim(), password);
      navigate(location.pathname.startsWith('/app/sign-in') ? '/app' : location.pathname + location.search, true);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="narrow" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <form onSubmit={submit}>
        <label for="handle">Handle</label>
        <input id="handle" name="username" autocomplete="username" required value={handle} onInput={(e) => setHandle(e.currentTarget.value)} />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        {error ? <p role="alert" class="error">{error}</p> : null}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p class="hint">No password yet? Ask your admin for a sign-in link.</p>
    </section>
  );
}
