import { useState } from 'preact/hooks';
import { api, messageOf, type User } from '../api.js';
import { navigate } from '../router.js';
import { signIn } from '../session.js';

/** `/app/set-password#<token>`: the token stays in the fragment, so it never reaches a server log. */
export function SetPassword() {
  const [token] = useState(() => location.hash.slice(1));
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const submit = async (e: Event) => {
    e.preventDefault();
    if (password !== again) return setError('The two passwords differ.');
    try {
      const { user } = await api<{ user: User }>('POST', `/v1/password-links/${encodeURIComponent(token)}`, { password });
      history.replaceState(null, '', '/app/set-password');
      await signIn(user.handle, password);
      navigate('/app', true);
    } catch (err) {
      setError(messageOf(err));
    }
  };
  if (!token) {
    return (
      <section class="narrow">
        <h1>Set a password</h1>
        <p role="alert" class="error">This link has no token. Open the whole link you were given.</p>
      </section>
    );
  }
  return (
    <section class="narrow" aria-labelledby="setpw-title">
      <h1 id="setpw-title">Set your password</h1>
      <form onSubmit={submit}>
        <label for="new-password">New password (at least 12 characters)</label>
        <input id="new-password" type="password" autocomplete="new-password" minLength={12} required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        <label for="new-password-again">The same again</label>
        <input id="new-password-again" type="password" autocomplete="new-password" minLength={12} required value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
        {error ? <p role="alert" class="error">{error}</p> : null}
        <button type="submit">Set password and sign in</button>
      </form>
    </section>
  );
}
