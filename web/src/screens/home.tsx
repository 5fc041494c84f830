import { useCallback, useState } from 'preact/hooks';
import { qs, type User } from '../api.js';
import { ImageGrid } from '../parts/image-grid.js';
import { UploadPanel } from '../parts/upload-panel.js';

export type Sort = 'uploaded' | 'taken';

export function SortPicker({ sort, onChange }: { sort: Sort; onChange: (s: Sort) => void }) {
  return (
    <label class="inline">
      Sort by{' '}
      <select value={sort} onChange={(e) => onChange(e.currentTarget.value as Sort)}>
        <option value="uploaded">Upload date</option>
        <option value="taken">Date taken</option>
      </select>
    </label>
  );
}

/** The signed-in person's photos: upload on top, the grid below. */
export function Home({ user }: { user: User }) {
  const [sort, setSort] = useState<Sort>('uploaded');
  const [visibility, setVisibility] = useState<'public' | 'private'>('public');
  const [reload, setReload] = useState(0);
  const source = useCallback((cursor: string | null) => `/v1/images${qs({ owner: user.id, limit: 100, sort: sort === 'taken' ? 'taken' : undefined, after: cursor })}`, [user.id, sort]);
  return (
    <>
      <div class="toolbar">
        <h1>Your photos</h1>
        <SortPicker sort={sort} onChange={setSort} />
        <label class="inline">
          New uploads are{' '}
          <select value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as 'public' | 'private')}>
            <option value="public">public</option>
            <option value="private">private</option>
          </select>
        </label>
      </div>
      <UploadPanel visibility={visibility} onUploaded={() => setReload((n) => n + 1)} />
      <ImageGrid source={source} reload={reload} label="Your photos" empty="No photos yet: drop some above." />
    </>
  );
}
