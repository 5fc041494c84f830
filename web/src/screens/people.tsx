import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, messageOf, qs, type User } from '../api.js';
import { ImageGrid } from '../parts/image-grid.js';
import { navigate } from '../router.js';
import { SortPicker, type Sort } from './home.js';
import { NotFound } from './not-found.js';

interface Profile {
  id: string;
  handle: string;
  displayName: string;
}

/** Someone's photos by handle: what the caller may see of them (their private ones when granted). */
export function People({ handle, user }: { handle: string | undefined; user: User | null }) {
  const [wanted, setWanted] = useState('');
  const [profile, setProfile] = useState<Profile | null | undefined>(undefined);
  const [error, setError] = useState('');
  const [sort, setSort] = useState<Sort>('uploaded');
  useEffect(() => {
    setProfile(undefined);
    if (!handle) return;
    api<Profile>('GET', `/v1/users/by-handle/${encodeURIComponent(handle)}`).then(setProfile, (err) => {
      setProfile(null);
      setError(messageOf(err));
    });
  }, [handle]);
  const source = useCallback((cursor: string | null) => `/v1/images${qs({ owner: profile?.id, limit: 100, sort: sort === 'taken' ? 'taken' : undefined, after: cursor })}`, [profile, sort]);
  const find = (
    <form class="toolbar" role="search" onSubmit={(e) => (e.preventDefault(), navigate(`/app/people/${encodeURIComponent(wanted.trim())}`))}>
      <label for="person">Find a person by handle</label>
      <input id="person" value={wanted} required onInput={(e) => setWanted(e.currentTarget.value)} />
      <button type="submit">Show their photos</button>
    </form>
  );
  if (!handle) return (<><h1>People</h1>{user ? find : <p>Sign in to find people by handle.</p>}</>);
  if (profile === null) return (<>{find}<NotFound what={`person "${handle}" (${error})`} /></>);
  if (!profile) return <p role="status">Loading…</p>;
  return (
    <>
      <div class="toolbar">
        <h1>{profile.displayName || profile.handle}</h1>
        <span class="muted">@{profile.handle}</span>
        <SortPicker sort={sort} onChange={setSort} />
      </div>
      <ImageGrid source={source} label={`Photos of ${profile.handle}`} empty="Nothing you may see here yet." />
    </>
  );
}
