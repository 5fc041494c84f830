import { useEffect, useState } from 'preact/hooks';
import { api, messageOf, type Page } from '../api.js';
import { formatBytes, formatDate } from '../images.js';
import { Tally } from '../parts/chart.js';

interface AdminUser {
  id: string;
  handle: string;
  displayName: string;
  role: string;
  disabled: boolean;
  createdAt: string;
}
interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  state: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}
interface Summary {
  requests: number;
  bytes: number;
  savedBytes: number;
  uploads: number;
  hitRatio: number | null;
  byTier: Record<string, number>;
  byFormat: Record<string, number>;
  byDevice: Record<string, number>;
}

/** For admins: people (invite, disable, enable), API keys, and the fleet's analytics. */
export function Admin() {
  const [users, setUsers] = useState<AdminUser[]>([]);
  const [keys, setKeys] = useState<Key[]>([]);
  const [summary, setSummary] = useState<Summary | undefined>();
  const [handle, setHandle] = useState('');
  const [link, setLink] = useState('');
  const [token, setToken] = useState('');
  const [status, setStatus] = useState('');
  const run = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
      setStatus(`${what}: done`);
    } catch (err) {
      setStatus(`${what}: ${messageOf(err)}`);
    }
  };
  const load = () =>
    run('Load', async () => {
      setUsers((await api<Page<AdminUser> & { items: AdminUser[] }>('GET', '/v1/users?limit=200')).items);
      setKeys((await api<{ items: Key[] }>('GET', '/v1/keys')).items);
      setSummary(await api<Summary>('GET', '/v1/analytics/summary'));
    });
  useEffect(() => void load(), []);
  const invite = (id: string) => run('Sign-in link', async () => setLink((await api<{ url: string }>('POST', `/v1/users/${id}/password-link`)).url));
  return (
    <>
      <h1>Admin</h1>
      <p role="status" class="muted">{status}</p>
      <section aria-labelledby="users-title">
        <h2 id="users-title">People</h2>
        <form class="toolbar" onSubmit={(e) => (e.preventDefault(), void run('Create user', async () => { const u = await api<AdminUser>('POST', '/v1/users', { handle: handle.trim() }); setHandle(''); await invite(u.id); await load(); }))}>
          <label for="new-handle">New person's handle</label>
          <input id="new-handle" required value={handle} onInput={(e) => setHandle(e.currentTarget.value)} />
          <button type="submit">Create and get a sign-in link</button>
        </form>
        {link ? <input class="link-out" readOnly value={link} aria-label="Sign-in link to send" onFocus={(e) => e.currentTarget.select()} /> : null}
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Handle</th><th scope="col">Role</th><th scope="col">Since</th><th scope="col">State</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id}>
                  <td>{u.handle}</td><td>{u.role}</td><td>{formatDate(u.createdAt)}</td><td>{u.disabled ? 'disabled' : 'active'}</td>
                  <td>
                    <button type="button" onClick={() => void invite(u.id)} aria-label={`Sign-in link for ${u.handle}`}>Link</button>{' '}
                    {u.disabled ? (
                      <button type="button" onClick={() => void run('Enable', async () => { await api('POST', `/v1/users/${u.id}/enable`); await load(); })} aria-label={`Enable ${u.handle}`}>Enable</button>
                    ) : (
                      <button type="button" onClick={() => void run('Disable', async () => { await api('POST', `/v1/users/${u.id}/disable`); await load(); })} aria-label={`Disable ${u.handle}`}>Disable</button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="keys-title">
        <h2 id="keys-title">Your API keys</h2>
        <button type="button" onClick={() => void run('New key', async () => { setToken((await api<{ token: string }>('POST', '/v1/keys', { name: 'web', scopes: ['images:read', 'images:write'] })).token); await load(); })}>New read/write key</button>
        {token ? <input class="link-out" readOnly value={token} aria-label="New key (shown once)" onFocus={(e) => e.currentTarget.select()} /> : null}
        <ul class="rows">
          {keys.map((k) => (
            <li key={k.id} class="row">
              <span class="row-main">{k.name || k.prefix} <span class="muted">{k.scopes.join(' ')} · {k.state}{k.lastUsedAt ? ` · used ${formatDate(k.lastUsedAt)}` : ''}</span></span>
              {k.state === 'active' ? <button type="button" onClick={() => void run('Revoke key', async () => { await api('DELETE', `/v1/keys/${k.id}`); await load(); })} aria-label={`Revoke key ${k.prefix}`}>Revoke</button> : null}
            </li>
          ))}
        </ul>
      </section>
      {summary ? (
        <section aria-labelledby="fleet-title">
          <h2 id="fleet-title">Fleet analytics</h2>
          <p>{summary.requests} image responses, {formatBytes(summary.bytes)} sent, {formatBytes(summary.savedBytes)} saved, {summary.uploads} uploads{summary.hitRatio !== null ? `, ${(summary.hitRatio * 100).toFixed(1)}% served without a transform` : ''}.</p>
          <div class="tallies">
            <Tally label="Where the bytes came from" data={summary.byTier} />
            <Tally label="Formats" data={summary.byFormat} />
            <Tally label="Devices" data={summary.byDevice} />
          </div>
        </section>
      ) : null}
    </>
  );
}
